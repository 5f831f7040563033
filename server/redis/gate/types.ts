export type GateCouponStatus = "ACTIVE" | "DISABLED" | "ARCHIVED";

export const GATE_COUPON_STATUSES: readonly GateCouponStatus[] = ["ACTIVE", "DISABLED", "ARCHIVED"];

/** null = no limit. */
export type GateLimits = {
  maxRedemptions: number | null;
  maxPerUser: number | null;
  /** Minor units. */
  budget: number | null;
  /** The code's own maxRedemptions (1 = single use). */
  codeMax: number | null;
};

export type ReserveItem = {
  couponId: string;
  codeId: string;
  /** Discount in minor units, counted against the budget. */
  amount: number;
  /** The rules version the caller decided with; a different live version answers STALE_RULES. */
  expectedVersion: number;
  limits: GateLimits;
};

export type ReserveFailureReason =
  "DISABLED" | "EXHAUSTED" | "USER_LIMIT_REACHED" | "LOCKED" | "ALREADY_REDEEMED" | "STALE_RULES" | "LIVE_LOCK_LIMIT";

export const RESERVE_FAILURE_REASONS: readonly ReserveFailureReason[] = [
  "DISABLED",
  "EXHAUSTED",
  "USER_LIMIT_REACHED",
  "LOCKED",
  "ALREADY_REDEEMED",
  "STALE_RULES",
  "LIVE_LOCK_LIMIT",
];

export type ReserveResult =
  /** expiresAtMs: the lock's expiry by the Redis clock (the one the scripts judge it with). */
  | { ok: true; epochs: string[]; expiresAtMs: number }
  /** Coupons without trustworthy counters (never loaded, flushed or being rebuilt); nothing was written. */
  | { ok: false; notLoaded: string[] }
  | { ok: false; failures: Array<{ index: number; reason: ReserveFailureReason }> };

export type CommittedItem = { couponId: string; codeId: string; amount: number; customerId: string };

export type CommitResult =
  | { ok: true; epochs: string[]; items: CommittedItem[] }
  | { ok: false; reason: "EXPIRED" }
  | { ok: false; notLoaded: string[] };

export type RestoreItem = { couponId: string; codeId: string; customerId: string; amount: number; epoch: string };

export type CouponUsage = {
  couponId: string;
  /** False: counters are missing or partial (not loaded, or a rebuild is running); decide elsewhere. */
  loaded: boolean;
  epoch: string | null;
  status: GateCouponStatus | null;
  version: number | null;
  /** Counting redemptions + live reservations. */
  uses: number;
  spent: number;
  /** null when no customer was asked for. */
  customerUses: number | null;
  /** used = counting redemptions, locked = live reservations. */
  codes: Record<string, { used: number; locked: number }>;
};

export type RebuildChunk = {
  /** customerId -> uses (counting + live locks). Values add up across chunks. */
  users?: Record<string, number>;
  /** codeId -> counting redemptions and live locks. Values add up across chunks. */
  codes?: Record<string, { used: number; locked: number }>;
  /** Live locks; their uses must be included in users, codes and the final uses/spent. */
  locks?: Array<{ lockId: string; customerId: string; codeId: string; amount: number; expiresAtMs: number }>;
};

export type RebuildTotals = { epoch: string; status: GateCouponStatus; version: number; uses: number; spent: number };
