import type { Redis } from "@upstash/redis";
import { STATE_KEY_PATTERN, couponIdOfStateKey } from "./keys";

const SCAN_COUNT = 1_000;
const DEFAULT_MAX = 10_000;

/** Coupon ids that have a gate state (loaded or not), at most `max` (SCAN, never KEYS). */
export async function listGateCouponIds(redis: Redis, max = DEFAULT_MAX): Promise<string[]> {
  const found = new Set<string>();
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, { match: STATE_KEY_PATTERN, count: SCAN_COUNT });
    cursor = String(next);
    for (const key of keys) {
      const couponId = couponIdOfStateKey(String(key));
      if (couponId !== null) found.add(couponId);
      if (found.size >= max) return [...found];
    }
  } while (cursor !== "0");
  return [...found];
}
