import { createHash } from "node:crypto";
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

const scopes = new WeakMap<Redis, string>();

/**
 * Which Redis database a client talks to, as a name safe to store (the shared gate mode is kept per
 * database): a hash of its REST token, which Upstash issues per database. Processes that reach one
 * database by different URLs still share one mode; "default" for a client without a token header.
 */
export function redisScope(redis: Redis): string {
  let scope = scopes.get(redis);
  if (!scope) {
    let requester = (redis as unknown as { client?: unknown }).client;
    if (requester instanceof CoalescingRequester) requester = requester.innerRequester;
    const auth = (requester as { headers?: Record<string, string> } | undefined)?.headers?.authorization;
    scope = auth ? `redis:${createHash("sha256").update(auth).digest("hex").slice(0, 24)}` : "default";
    scopes.set(redis, scope);
  }
  return scope;
}
