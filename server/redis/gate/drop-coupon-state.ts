import type { Redis } from "@upstash/redis";
import { gateKeys } from "./keys";

/**
 * Forces a rebuild of one coupon: without its state it answers notLoaded at once (callers fall back
 * to Postgres); beginRebuild clears its counters and locks.
 */
export async function dropCouponState(redis: Redis, couponId: string): Promise<void> {
  await redis.del(gateKeys.state(couponId));
}
