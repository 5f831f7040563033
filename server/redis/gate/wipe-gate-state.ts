import type { Redis } from "@upstash/redis";
import { COUPON_KEY_PATTERN, RULES_KEY_SUFFIX } from "./keys";

const SCAN_COUNT = 1_000;

/**
 * Deletes every gate key (state, counters, locks, lock records) of every coupon, keeping cached rules.
 * For when Redis comes back after an outage: Postgres moved on meanwhile, so every coupon must be
 * rebuilt. Each deleted state answers notLoaded at once, so a partial wipe is safe too.
 */
export async function wipeGateState(redis: Redis): Promise<{ deleted: number }> {
  let deleted = 0;
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, { match: COUPON_KEY_PATTERN, count: SCAN_COUNT });
    cursor = String(next);
    const doomed = keys.map(String).filter((key) => !key.endsWith(RULES_KEY_SUFFIX));
    if (doomed.length > 0) deleted += await redis.del(...doomed);
  } while (cursor !== "0");
  return { deleted };
}
