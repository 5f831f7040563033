import { Redis, type Requester } from "@upstash/redis";
import { env } from "@/server/env";
import { CoalescingRequester } from "./coalescing-requester";
import { createPipelineTransport } from "./pipeline-transport";

/** Per request; far above a healthy round trip (about 1 ms locally, a few ms to Upstash). */
export const REDIS_REQUEST_TIMEOUT_MS = 1_500;

const globalForRedis = globalThis as unknown as { couponRedis?: Redis | null };

/**
 * The Upstash REST client, or null when no Redis is configured (the app then
 * runs Postgres-only). Retries are kept short: a Redis outage must turn into a
 * quick fallback, not a slow checkout. Concurrent requests' commands share REST
 * round trips (CoalescingRequester), sent on a keep-alive undici pool (pipeline-transport.ts).
 */
export function getRedis(): Redis | null {
  if (globalForRedis.couponRedis === undefined) {
    const { UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token } = env();
    globalForRedis.couponRedis = url && token ? createRedis(url, token) : null;
  }
  return globalForRedis.couponRedis;
}

export function createRedis(url: string, token: string): Redis {
  const transport = createPipelineTransport(url, token, { timeoutMs: REDIS_REQUEST_TIMEOUT_MS });
  return new Redis(new CoalescingRequester(createRedisHttpRequester(url, token), transport));
}

/** The @upstash/redis client's own HTTP requester (base64 encoding, retries, timeouts), for the batching one to use. */
export function createRedisHttpRequester(url: string, token: string): Requester {
  const http = new Redis({
    url,
    token,
    enableTelemetry: false,
    retry: { retries: 1, backoff: () => 25 },
    // A Redis that hangs must fail fast too: the breaker then hands the gate to Postgres.
    signal: () => AbortSignal.timeout(REDIS_REQUEST_TIMEOUT_MS),
  });
  return (http as unknown as { client: Requester }).client;
}
