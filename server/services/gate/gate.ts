import type { AnswerRef, NewLockItem, NewRedemption } from "@/server/db/queries/gate-records";
import { REASON_MESSAGES, type Reason } from "@/server/domain/reasons";
import type { CheckoutPlan, PlanItem, ResolvedCodes, LiveUsage, UsageReader } from "../checkout-quote";
import { CheckoutRejectedError, isUniqueViolation } from "../errors";

/**
 * The gate decides whether a checkout may take its uses: every code, coupon limit, budget and per-user
 * limit, all or nothing (SPEC invariant 1), and writes what it decided to Postgres. Two implementations
 * do the same job with different guarantees: RedisGate (one Lua script decides; Postgres is written
 * after, within GATE_WRITE_DEADLINE_MS) and PostgresGate (advisory locks per coupon; decided and written
 * in one transaction). withGate (choose-gate.ts) picks one, by the circuit breaker.
 */
export interface Gate {
  readonly kind: "redis" | "postgres";
  /** Live usage of the looked-up codes' coupons, as this gate counts it (validate). */
  readUsage(resolved: ResolvedCodes, customerId: string | null): Promise<LiveUsage>;
  /** Takes the uses `request.plan` names (held by a lock, or for good) and writes the record with them. */
  reserve<R>(request: ReserveRequest<R>): Promise<R>;
  /** Turns a live lock's held uses into redemptions; refused (EXPIRED) once the lock is not live. */
  commit<R>(request: CommitRequest<R>): Promise<R>;
  /** Gives a lock's held uses back (after its row was closed in Postgres). */
  release(lock: { id: string; couponIds: string[] }): Promise<void>;
  /** Gives permanent uses back (a redemption that was not written, or was voided), each within its epoch. */
  restore(uses: TakenUse[]): Promise<void>;
  /**
   * The epoch each coupon's uses are counted in now, for `restore` after a change made in Postgres (a
   * void): read before the change commits, so a state rebuilt after it (which already counts the change)
   * is not given the uses a second time. A coupon this gate holds no counters for is left out.
   */
  epochsOf(couponIds: string[]): Promise<Map<string, string>>;
}

/** One use a decision took: `epoch` is the counters' generation it was counted in (Redis; "" for Postgres). */
export type TakenUse = { couponId: string; codeId: string; customerId: string; amount: number; epoch: string };

/** The rows a decided checkout writes, with the idempotent answer, in one statement (or transaction). */
export type GateRecord<R> = {
  /** What the caller answers once the record is written. */
  response: R;
  /** The idempotency row this record completes (if this execution still owns it), and what it stores. */
  answer: AnswerRef;
  rows: { lock: LockRow } | { redemptions: RedemptionRow[] };
};
export type LockRow = {
  id: string;
  customerId: string;
  expiresAt: Date;
  cart: unknown;
  quote: unknown;
  items: NewLockItem[];
};
export type RedemptionRow = NewRedemption & { id: string };

export type ReserveRequest<R> = {
  customerId: string;
  /** Held until it expires unless committed (a lock), or null: taken for good (a redeem in one step). */
  hold: { lockId: string; ttlMs: number } | null;
  /** Quotes the checkout on the usage the gate reads (the quote pipeline); refuses what it cannot take. */
  plan: (readUsage: UsageReader) => Promise<CheckoutPlan>;
  /** The rows to write once decided; expiresAt is the hold's end by the deciding gate's clock. */
  record: (plan: CheckoutPlan, expiresAt: Date) => GateRecord<R>;
};

export type CommitRequest<R> = {
  lock: { id: string; couponIds: string[] };
  plan: CheckoutPlan;
  /** Redemption rows (lockId set) and the answer. */
  record: GateRecord<R> & { rows: { redemptions: RedemptionRow[] } };
};

/** The gate cannot decide now (Redis failed before anything was reserved): decide with the other gate. */
export class GateUnavailableError extends Error {
  override name = "GateUnavailableError";
}

/** Live locks one customer may hold on one coupon (lock hoarding). */
export const HOARDING_MESSAGE = "You already hold a lock on this coupon; redeem or unlock it before locking it again.";

/** The per-code refusals of a gate decision, in the API's reasons. */
export function rejectedFor(
  items: PlanItem[],
  failures: Array<{ index: number; reason: Reason | "STALE_RULES" | "LIVE_LOCK_LIMIT" }>,
): CheckoutRejectedError {
  return new CheckoutRejectedError(
    failures.map((f) => {
      const code = items[f.index]?.code ?? "";
      if (f.reason === "LIVE_LOCK_LIMIT") return { code, reason: "LOCKED" as const, message: HOARDING_MESSAGE };
      const reason: Reason = f.reason === "STALE_RULES" ? "EXHAUSTED" : f.reason;
      return { code, reason, message: REASON_MESSAGES[reason] };
    }),
  );
}

/** A lock that is no longer live (expired, released, redeemed) cannot be redeemed. */
export function lockNotLive(items: PlanItem[]): CheckoutRejectedError {
  return new CheckoutRejectedError(
    items.map((i) => ({
      code: i.code,
      reason: "EXPIRED" as const,
      message: "This lock has expired or was released; lock the codes again.",
    })),
  );
}

// The unique indexes are the last line of defence: they refuse what no gate should have let through.
export function asConflict(error: unknown, items: PlanItem[]): unknown {
  const refuse = (reason: "USER_LIMIT_REACHED" | "ALREADY_REDEEMED") =>
    new CheckoutRejectedError(items.map((i) => ({ code: i.code, reason, message: REASON_MESSAGES[reason] })));
  if (isUniqueViolation(error, "redemptions_coupon_customer_once_key")) return refuse("USER_LIMIT_REACHED");
  if (
    isUniqueViolation(error, "redemptions_single_use_code_key") ||
    isUniqueViolation(error, "redemptions_code_order_key")
  )
    return refuse("ALREADY_REDEEMED");
  return error;
}

/** The coupons of a plan, once each. */
export function couponIdsOf(items: Array<{ couponId: string }>): string[] {
  return [...new Set(items.map((i) => i.couponId))];
}
