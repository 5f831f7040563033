import type { CouponRow } from "@/server/db/schema";

/** A coupon as its events (coupon.created/updated/disabled) carry it: its rules, without staff-only notes. */
export function couponEventData(row: CouponRow): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- picked out to leave them out
  const { internalNotes, createdBy, updatedBy, ...coupon } = row;
  return coupon;
}
