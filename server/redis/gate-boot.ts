import type { Redis } from "@upstash/redis";
import { keys } from "./keys";

/**
 * A marker set once per Redis lifetime, after a drained rebuild. A flush or
 * restart removes it: the next rebuild must first wait out writes that the old
 * Redis approved and that may still be on their way to Postgres.
 */

export async function isGateBootMarked(redis: Redis): Promise<boolean> {
  return (await redis.exists(keys.gateBoot())) === 1;
}

export async function markGateBoot(redis: Redis, id: string): Promise<void> {
  await redis.set(keys.gateBoot(), id, { nx: true });
}

export async function clearGateBoot(redis: Redis): Promise<void> {
  await redis.del(keys.gateBoot());
}

/** A coupon whose state is dropped on purpose: its rebuild waits until `untilMs` (in-flight writes land). */
export async function setCouponDrainUntil(redis: Redis, couponId: string, untilMs: number): Promise<void> {
  await redis.set(keys.couponDrainUntil(couponId), String(untilMs), { px: Math.max(1, untilMs - Date.now()) + 1_000 });
}

export async function readCouponDrainUntil(redis: Redis, couponId: string): Promise<number> {
  const value = await redis.get<string | number>(keys.couponDrainUntil(couponId));
  return value == null ? 0 : Number(value);
}
