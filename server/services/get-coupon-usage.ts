import { getDb } from "@/server/db/client";
import { countLiveLockItems } from "@/server/db/queries/coupons";
import { currentGateMode, reportRedisFailure } from "@/server/redis/circuit-breaker";
import { getRedis } from "@/server/redis/client";
import { readLiveUsage } from "@/server/db/queries/read-live-usage";
import { readUsage } from "@/server/redis/gate";
import { getCouponOrThrow } from "./get-coupon";

export type CouponUsageFigures = {
  /** Where `used` and `spent` come from: the Redis gate while it holds the coupon, else Postgres. */
  source: "gate" | "postgres";
  /** Counting redemptions plus live locks: what the limits are checked against. */
  used: number;
  redeemed: number;
  lockedNow: number;
  remaining: number | null;
  maxRedemptions: number | null;
  /** Discount money given or held by live locks, in the coupon's currency. */
  spent: number;
  budget: number | null;
  budgetUsedPercent: number | null;
  readAt: Date;
};

/** The coupon page's live counters, read as checkout reads them (the gate's figures where it holds them). */
export async function getCouponUsage(couponId: string): Promise<CouponUsageFigures> {
  const coupon = await getCouponOrThrow(couponId);
  const db = getDb();
  const [fromGate, locked] = await Promise.all([readFromGate(couponId), countLiveLockItems(db, couponId)]);
  let source: CouponUsageFigures["source"] = "gate";
  let totals = fromGate;
  if (!totals) {
    source = "postgres";
    // With no codes and no customer, checkout's reader counts the coupon alone.
    const live = (await readLiveUsage(db, { couponIds: [couponId], codeIds: [], customerId: null })).coupons[0];
    totals = { uses: Number(live?.uses ?? 0), spent: Number(live?.discountSpent ?? 0) };
  }
  const lockedNow = Math.min(locked.uses, totals.uses);
  return {
    source,
    used: totals.uses,
    redeemed: totals.uses - lockedNow,
    lockedNow,
    maxRedemptions: coupon.maxRedemptions,
    remaining: coupon.maxRedemptions === null ? null : Math.max(0, coupon.maxRedemptions - totals.uses),
    spent: totals.spent,
    budget: coupon.budget,
    budgetUsedPercent:
      coupon.budget === null ? null : Math.min(100, Math.round((totals.spent / coupon.budget) * 1000) / 10),
    readAt: new Date(),
  };
}

async function readFromGate(couponId: string): Promise<{ uses: number; spent: number } | null> {
  const redis = getRedis();
  if (!redis || currentGateMode().kind !== "redis") return null;
  try {
    const [figures] = await readUsage(redis, [{ couponId, codeIds: [], customerId: null }]);
    return figures?.loaded ? { uses: figures.uses, spent: figures.spent } : null;
  } catch (error) {
    reportRedisFailure(error);
    return null;
  }
}
