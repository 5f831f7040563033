// The coupon state machine: DRAFT -> ACTIVE <-> DISABLED, and any state -> ARCHIVED, which is final.

import { COUPON_LIFECYCLE_STATUSES, type CouponLifecycleStatus as CouponStatus } from "./schemas";

export { COUPON_LIFECYCLE_STATUSES };

const TRANSITIONS: Readonly<Record<CouponStatus, readonly CouponStatus[]>> = {
  DRAFT: ["ACTIVE", "ARCHIVED"],
  ACTIVE: ["DISABLED", "ARCHIVED"],
  DISABLED: ["ACTIVE", "ARCHIVED"],
  ARCHIVED: [],
};

export const STATUS_LABELS: Readonly<Record<CouponStatus, string>> = {
  DRAFT: "Draft",
  ACTIVE: "Active",
  DISABLED: "Disabled",
  ARCHIVED: "Archived",
};

/** The statuses a coupon in `from` may move to (the console offers only these). */
export function allowedTransitions(from: CouponStatus): readonly CouponStatus[] {
  return TRANSITIONS[from];
}

/** null when `from -> to` is allowed, else why not, in words for the admin. */
export function explainTransition(from: CouponStatus, to: CouponStatus): string | null {
  if (TRANSITIONS[from].includes(to)) return null;
  if (from === to) return `The coupon is already ${STATUS_LABELS[to].toLowerCase()}.`;
  if (from === "ARCHIVED") return "An archived coupon is final: it cannot be changed or reactivated.";
  if (to === "DRAFT") return "A coupon that was live cannot go back to draft; disable it instead.";
  return `A ${STATUS_LABELS[from].toLowerCase()} coupon cannot become ${STATUS_LABELS[to].toLowerCase()}.`;
}

/** The gate (Redis and Postgres) redeems ACTIVE coupons only; a DRAFT is held there as DISABLED. */
export function gateStatusOf(status: CouponStatus): "ACTIVE" | "DISABLED" | "ARCHIVED" {
  return status === "DRAFT" ? "DISABLED" : status;
}

/** What the console shows: the lifecycle status, refined by the window and the limit (UX: separate states). */
export type CouponPhase = "draft" | "scheduled" | "running" | "ended" | "used up" | "disabled" | "archived";

export function couponPhase(
  coupon: {
    status: CouponStatus;
    validFrom: Date | null;
    validUntil: Date | null;
    maxRedemptions: number | null;
  },
  used: number | null,
  now: Date,
): CouponPhase {
  if (coupon.status === "DRAFT") return "draft";
  if (coupon.status === "ARCHIVED") return "archived";
  if (coupon.status === "DISABLED") return "disabled";
  if (coupon.validFrom && coupon.validFrom > now) return "scheduled";
  if (coupon.validUntil && coupon.validUntil <= now) return "ended";
  if (coupon.maxRedemptions !== null && used !== null && used >= coupon.maxRedemptions) return "used up";
  return "running";
}
