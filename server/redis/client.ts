import { Redis, type Requester } from "@upstash/redis";
import { env } from "@/server/env";
import { CoalescingRequester } from "./coalescing-requester";

/** Per request; far above a healthy round trip (about 1 ms locally, a few ms to Upstash). */
export const REDIS_REQUEST_TIMEOUT_MS = 1_500;

const globalForRedis = globalThis as unknown as { couponRedis?: Redis | null };

/**
 * The Upstash REST client, or null when no Redis is configured (the app then
 * runs Postgres-only). Retries are kept short: a Redis outage must turn into a
 * quick fallback, not a slow checkout. Concurrent requests' commands share REST
 * round trips (CoalescingRequester).
 */
export function getRedis(): Redis | null {
  if (globalForRedis.couponRedis === undefined) {
    const { UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token } = env();
    globalForRedis.couponRedis = url && token ? createRedis(url, token) : null;
  }
  return globalForRedis.couponRedis;
}

export function createRedis(url: string, token: string): Redis {
  const http = new Redis({
    url,
    token,
    enableTelemetry: false,
    retry: { retries: 1, backoff: () => 25 },
    // A Redis that hangs must fail fast too: the breaker then hands the gate to Postgres.
    signal: () => AbortSignal.timeout(REDIS_REQUEST_TIMEOUT_MS),
  });
  // The client's own HTTP requester (base64 encoding, retries, timeouts), under the batching one.
  const requester = (http as unknown as { client: Requester }).client;
  return new Redis(new CoalescingRequester(requester));
}
