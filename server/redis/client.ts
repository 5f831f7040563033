import { Redis } from "@upstash/redis";
import { env } from "@/server/env";

/** Per request; far above a healthy round trip (about 1 ms locally, a few ms to Upstash). */
export const REDIS_REQUEST_TIMEOUT_MS = 1_500;

const globalForRedis = globalThis as unknown as { couponRedis?: Redis | null };

/**
 * The Upstash REST client, or null when no Redis is configured (the app then
 * runs Postgres-only). Retries are kept short: a Redis outage must turn into a
 * quick fallback, not a slow checkout.
 */
export function getRedis(): Redis | null {
  if (globalForRedis.couponRedis === undefined) {
    const { UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token } = env();
    globalForRedis.couponRedis = url && token
      ? new Redis({
          url,
          token,
          enableAutoPipelining: true,
          retry: { retries: 1, backoff: () => 25 },
          // A Redis that hangs must fail fast too: the breaker then hands the gate to Postgres.
          signal: () => AbortSignal.timeout(REDIS_REQUEST_TIMEOUT_MS),
        })
      : null;
  }
  return globalForRedis.couponRedis;
}
