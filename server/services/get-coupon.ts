import { getDb } from "@/server/db/client";
import { findCouponById, findCouponCounters } from "@/server/db/queries/coupons";
import type { CouponRow } from "@/server/db/schema";
import { NotFoundError } from "./errors";

export async function getCouponOrThrow(id: string): Promise<CouponRow> {
  const coupon = await findCouponById(getDb(), id);
  if (!coupon) throw new NotFoundError("No coupon with this id.");
  return coupon;
}

export type CouponWithCounters = CouponRow & {
  /** Reporting figures, refreshed by the background job (not live: the gate holds the live counts). */
  counters: { redemptions: number; voided: number; discountTotal: number; refreshedAt: Date } | null;
};

/** admin.coupons.get: the coupon and its reporting counters. */
export async function getCouponWithCounters(id: string): Promise<CouponWithCounters> {
  const [coupon, counters] = await Promise.all([getCouponOrThrow(id), findCouponCounters(getDb(), id)]);
  return {
    ...coupon,
    counters: counters
      ? {
          redemptions: counters.redemptions,
          voided: counters.voided,
          discountTotal: counters.discountTotal,
          refreshedAt: counters.refreshedAt,
        }
      : null,
  };
}
