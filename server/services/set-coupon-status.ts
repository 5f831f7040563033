import { getDb } from "@/server/db/client";
import { updateCouponStatus } from "@/server/db/queries/coupons";
import type { CouponRow } from "@/server/db/schema";
import { reportRedisFailure } from "@/server/redis/circuit-breaker";
import { getRedis } from "@/server/redis/client";
import { setCouponLiveStatus } from "@/server/redis/gate";
import { invalidateCache } from "@/server/redis/rules-cache";
import { forgetLocalCopies } from "./checkout-quote";
import { NotFoundError } from "./errors";

/**
 * admin.coupons.setStatus: Postgres first (the truth), then written through to
 * the Redis gate state and the rules cache. If Redis cannot be written, the
 * breaker opens: the Postgres gate decides until Redis is rebuilt from Postgres.
 */
export async function setCouponStatus(
  input: { id: string; status: CouponRow["status"] },
  actor: { userId: string },
): Promise<CouponRow> {
  const updated = await updateCouponStatus(getDb(), { ...input, updatedBy: actor.userId });
  if (!updated) throw new NotFoundError("No coupon with this id.");
  forgetLocalCopies({ couponIds: [updated.id] });
  const redis = getRedis();
  if (redis) {
    try {
      await Promise.all([
        setCouponLiveStatus(redis, updated.id, { status: updated.status, version: updated.version }),
        invalidateCache(redis, { couponIds: [updated.id] }),
      ]);
    } catch (error) {
      reportRedisFailure(error);
    }
  }
  return updated;
}
