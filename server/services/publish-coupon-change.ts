import type { CouponRow } from "@/server/db/schema";
import { gateStatusOf } from "@/server/domain/coupon-status";
import { reportRedisFailure } from "@/server/redis/circuit-breaker";
import { getRedis } from "@/server/redis/client";
import { setCouponLiveStatus } from "@/server/redis/gate";
import { invalidateCache } from "@/server/redis/rules-cache";
import { forgetLocalCopies } from "./checkout-quote";

/**
 * After a committed change to a coupon: this process's copies are dropped, the Redis gate gets
 * the new status and version, and the cached rules go. If Redis cannot be written, the breaker
 * opens: the Postgres gate decides until Redis is rebuilt from Postgres.
 */
export async function publishCouponChange(row: CouponRow): Promise<void> {
  forgetLocalCopies({ couponIds: [row.id] });
  const redis = getRedis();
  if (!redis) return;
  try {
    await Promise.all([
      setCouponLiveStatus(redis, row.id, { status: gateStatusOf(row.status), version: row.version }),
      invalidateCache(redis, { couponIds: [row.id] }),
    ]);
  } catch (error) {
    reportRedisFailure(error);
  }
}
