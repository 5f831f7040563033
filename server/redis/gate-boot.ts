import type { Redis } from "@upstash/redis";
import { keys } from "./keys";

/**
 * A marker set after the first drained rebuild of a gate generation (circuit-breaker.ts), holding that
 * generation. A flush or restart removes it, and a new generation (a change of mode) outdates it: the
 * next rebuild must first wait out writes that the old Redis approved, or that the Postgres gate
 * decided, and that may still be on their way to Postgres.
 */

/** With a generation: marked for that generation; without: marked at all. */
export async function isGateBootMarked(redis: Redis, generation?: number): Promise<boolean> {
  if (generation === undefined) return (await redis.exists(keys.gateBoot())) === 1;
  const value = await redis.get<string | number>(keys.gateBoot());
  return value != null && String(value) === String(generation);
}

/** Overwrites: a marker of an older generation must give way (one of a newer one overwritten means one more drain, never less). */
export async function markGateBoot(redis: Redis, id: string): Promise<void> {
  await redis.set(keys.gateBoot(), id);
}

/** A coupon whose state is dropped on purpose: its rebuild waits until `untilMs` (in-flight writes land). */
export async function setCouponDrainUntil(redis: Redis, couponId: string, untilMs: number): Promise<void> {
  await redis.set(keys.couponDrainUntil(couponId), String(untilMs), { px: Math.max(1, untilMs - Date.now()) + 1_000 });
}

export async function readCouponDrainUntil(redis: Redis, couponId: string): Promise<number> {
  const value = await redis.get<string | number>(keys.couponDrainUntil(couponId));
  return value == null ? 0 : Number(value);
}
