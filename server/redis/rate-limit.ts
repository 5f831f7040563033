import { createHash } from "node:crypto";
import type { Redis } from "@upstash/redis";
import { LRUCache } from "lru-cache";
import { env } from "@/server/env";
import { getRedis } from "./client";
import { runGateScript, type GateScript } from "./gate/script";
import { keys } from "./keys";

export type RateLimitPolicyName =
  | "codeGuessAnonByIp"
  | "codeGuessByUser"
  | "codeGuessSignedInByIp"
  | "codeGuessByApiKey"
  | "requestsByApiKey"
  | "signInByAccount"
  | "signInByIp"
  | "guestIdByIp";
export type RateLimitPolicy = { limit: number; windowSeconds: number; who: string; key: string; counts: string };

/**
 * The policy table (the README mirrors it). An attempt is charged before it is judged, so concurrent
 * calls (a tRPC batch, parallel requests) can never together judge more than the limit; what turned
 * out not to be a failed guess is given back afterwards.
 */
export function rateLimitPolicies(): Record<RateLimitPolicyName, RateLimitPolicy> {
  const e = env();
  const codes = e.RATE_LIMIT_WINDOW_SECONDS;
  const signIn = e.RATE_LIMIT_SIGN_IN_WINDOW_SECONDS;
  const failedCodes = "codes judged NOT_FOUND or INVALID_FORMAT";
  return {
    codeGuessAnonByIp: {
      limit: e.RATE_LIMIT_FAILED_CODES_PER_IP,
      windowSeconds: codes,
      who: "anonymous checkout callers",
      key: "client address",
      counts: failedCodes,
    },
    codeGuessByUser: {
      limit: e.RATE_LIMIT_FAILED_CODES_PER_USER,
      windowSeconds: codes,
      who: "signed-in shoppers",
      key: "user id",
      counts: failedCodes,
    },
    codeGuessSignedInByIp: {
      limit: e.RATE_LIMIT_FAILED_CODES_PER_IP_SIGNED_IN,
      windowSeconds: codes,
      who: "signed-in shoppers (all of one address together)",
      key: "client address",
      counts: failedCodes,
    },
    codeGuessByApiKey: {
      limit: e.RATE_LIMIT_FAILED_CODES_PER_API_KEY,
      windowSeconds: codes,
      who: "API-key checkout callers",
      key: "API key",
      counts: failedCodes,
    },
    requestsByApiKey: {
      limit: e.RATE_LIMIT_API_KEY_REQUESTS,
      windowSeconds: e.RATE_LIMIT_API_KEY_WINDOW_SECONDS,
      who: "API-key callers",
      key: "API key",
      counts: "calls",
    },
    signInByAccount: {
      limit: e.RATE_LIMIT_SIGN_IN_PER_ACCOUNT,
      windowSeconds: signIn,
      who: "sign-in",
      key: "email (lower-cased)",
      counts: "failed sign-ins",
    },
    signInByIp: {
      limit: e.RATE_LIMIT_SIGN_IN_PER_IP,
      windowSeconds: signIn,
      who: "sign-in",
      key: "client address",
      counts: "failed sign-ins",
    },
    // Each guest id holds its own live locks (MAX_LIVE_LOCKS_PER_CUSTOMER): this bounds how many one address can mint.
    guestIdByIp: {
      limit: e.RATE_LIMIT_GUEST_IDS_PER_IP,
      windowSeconds: 3_600,
      who: "guest checkout",
      key: "client address",
      counts: "new guest ids",
    },
  };
}

export type RateLimitSubject = { policy: RateLimitPolicyName; identifier: string };

/** Attempts charged to some subjects; `refund(n)` gives n of them back (attempts that turned out not to count). */
export type RateLimitCharge = { refund(count: number): Promise<void> };

/**
 * Charges `count` attempts to every subject, all or none: null (nothing charged) when any subject has
 * fewer than `count` attempts left in its window, or none at all (so `count` 0 checks without charging). Redis holds the counters (one script per subject,
 * atomic, on the Redis clock); while Redis is unreachable an in-process limiter takes over.
 */
export async function chargeAttempts(subjects: RateLimitSubject[], count: number): Promise<RateLimitCharge | null> {
  if (subjects.length === 0) return { refund: async () => undefined };
  const policies = rateLimitPolicies();
  const charged = await Promise.all(subjects.map((subject) => chargeOne(subject, policies[subject.policy], count)));
  const taken = charged.filter((c): c is Taken => c !== null);
  if (taken.length < subjects.length) {
    // One subject refused: what the others took goes back.
    await Promise.all(taken.map((t) => t.refund(count)));
    return null;
  }
  let left = count;
  return {
    refund: async (n) => {
      const amount = Math.min(Math.max(0, Math.floor(n)), left);
      if (amount === 0) return;
      left -= amount;
      await Promise.all(taken.map((t) => t.refund(amount)));
    },
  };
}

type Taken = { refund(count: number): Promise<void> };

function subjectKey(subject: RateLimitSubject): string {
  // Hashed: no address, user id or email in Redis keys.
  const id = createHash("sha256").update(subject.identifier, "utf8").digest("base64url").slice(0, 22);
  return `${keys.rateLimit(subject.policy)}:${id}`;
}

async function chargeOne(subject: RateLimitSubject, policy: RateLimitPolicy, count: number): Promise<Taken | null> {
  const key = subjectKey(subject);
  const windowMs = policy.windowSeconds * 1000;
  const redis = getRedis();
  if (redis) {
    try {
      const [ok, window] = (await runGateScript(
        redis,
        CHARGE,
        [key],
        [String(count), String(policy.limit), String(windowMs)],
      )) as [number, number];
      if (ok !== 1) return null;
      return { refund: (n) => refundInRedis(redis, key, window, n).catch(() => memoryRefund(key, window, n)) };
    } catch {
      // fall through to the in-process limiter
    }
  }
  const window = memoryCharge(key, count, policy.limit, windowMs);
  return window === null ? null : { refund: async (n) => memoryRefund(key, window, n) };
}

async function refundInRedis(redis: Redis, key: string, window: number, count: number): Promise<void> {
  await runGateScript(redis, REFUND, [key], [String(count), String(window)]);
}

function script(name: string, source: string): GateScript {
  const full = `-- couponforge rate limit: ${name}\n${source}`;
  return { name, source: full, sha: createHash("sha1").update(full, "utf8").digest("hex") };
}

/**
 * Sliding window (two fixed windows, the previous one weighted by how much of it still overlaps), kept
 * in one hash per subject: field = window index, value = attempts charged in it.
 * KEYS[1] the subject's hash; ARGV count, limit, window ms.
 * Returns {1, window index} when the attempts were charged, {0, window index} when they would pass the
 * limit or the limit is used up (nothing charged; count 0 only checks). Check and charge are one step, so concurrent callers cannot overshoot.
 */
const CHARGE = script(
  "charge",
  `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local count = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local cur = math.floor(now / window)
local counts = redis.call('HMGET', KEYS[1], string.format('%d', cur), string.format('%d', cur - 1))
local current = tonumber(counts[1] or '0')
local previous = tonumber(counts[2] or '0')
local used = math.floor(previous * (1 - (now % window) / window)) + current
if used + count > limit or used >= limit then return {0, cur} end
if count == 0 then return {1, cur} end
redis.call('HINCRBY', KEYS[1], string.format('%d', cur), count)
redis.call('HDEL', KEYS[1], string.format('%d', cur - 2))
redis.call('PEXPIRE', KEYS[1], window * 2)
return {1, cur}
`,
);

/** KEYS[1] the subject's hash; ARGV count, window index. Gives back up to `count` attempts of that window. */
const REFUND = script(
  "refund",
  `
local field = ARGV[2]
local value = tonumber(redis.call('HGET', KEYS[1], field) or '0')
if value <= 0 then return 0 end
local left = math.max(0, value - tonumber(ARGV[1]))
redis.call('HSET', KEYS[1], field, left)
return left
`,
);

// In-process stand-in while Redis is unreachable: guessing stays limited, checkout stays up.
type MemoryEntry = { windowMs: number; counts: Map<number, number> };
const globalForLimits = globalThis as unknown as { couponLimiters?: LRUCache<string, MemoryEntry> };

function memory(): LRUCache<string, MemoryEntry> {
  globalForLimits.couponLimiters ??= new LRUCache<string, MemoryEntry>({ max: 100_000 });
  return globalForLimits.couponLimiters;
}

function memoryCharge(key: string, count: number, limit: number, windowMs: number): number | null {
  const now = Date.now();
  const cur = Math.floor(now / windowMs);
  const entry = memory().get(key) ?? { windowMs, counts: new Map<number, number>() };
  for (const window of entry.counts.keys()) if (window < cur - 1) entry.counts.delete(window);
  const previous = entry.counts.get(cur - 1) ?? 0;
  const used = Math.floor(previous * (1 - (now % windowMs) / windowMs)) + (entry.counts.get(cur) ?? 0);
  if (used + count > limit || used >= limit) return null;
  entry.counts.set(cur, (entry.counts.get(cur) ?? 0) + count);
  memory().set(key, entry, { ttl: windowMs * 2 });
  return cur;
}

function memoryRefund(key: string, window: number, count: number): void {
  const entry = memory().get(key);
  const value = entry?.counts.get(window);
  if (entry && value !== undefined) entry.counts.set(window, Math.max(0, value - count));
}
