import { createHash } from "node:crypto";
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
 * fewer than `count` attempts left in its window, or none at all (so `count` 0 checks without charging).
 * Redis holds the counters: one script checks and charges every subject atomically, on the Redis clock,
 * in one command. While Redis is unreachable an in-process limiter takes over.
 */
export async function chargeAttempts(subjects: RateLimitSubject[], count: number): Promise<RateLimitCharge | null> {
  if (subjects.length === 0) return { refund: async () => undefined };
  const policies = rateLimitPolicies();
  const charged = subjects.map((subject) => {
    const policy = policies[subject.policy];
    return { key: subjectKey(subject), limit: policy.limit, windowMs: policy.windowSeconds * 1000 };
  });
  const inRedis = await chargeInRedis(charged, count);
  const taken = inRedis === undefined ? memoryChargeAll(charged, count) : inRedis;
  if (taken === null) return null;
  let left = count;
  return {
    refund: async (n) => {
      const amount = Math.min(Math.max(0, Math.floor(n)), left);
      if (amount === 0) return;
      left -= amount;
      await taken.refund(amount);
    },
  };
}

type Charged = { key: string; limit: number; windowMs: number };
type Taken = { refund(count: number): Promise<void> };

const globalForKeys = globalThis as unknown as { couponRateLimitKeys?: LRUCache<string, string> };
/** Hashed: no address, user id or email in Redis keys (kept per subject: the same callers come back). */
function subjectKey(subject: RateLimitSubject): string {
  const keysCache = (globalForKeys.couponRateLimitKeys ??= new LRUCache<string, string>({ max: 50_000 }));
  const name = `${subject.policy}\n${subject.identifier}`;
  let key = keysCache.get(name);
  if (key === undefined) {
    const id = createHash("sha256").update(subject.identifier, "utf8").digest("base64url").slice(0, 22);
    key = `${keys.rateLimit(subject.policy)}:${id}`;
    keysCache.set(name, key);
  }
  return key;
}

/** Charged in Redis (a Taken, or null when refused); undefined when Redis is off or failed (the in-process limiter decides). */
async function chargeInRedis(charged: Charged[], count: number): Promise<Taken | null | undefined> {
  const redis = getRedis();
  if (!redis) return undefined;
  let reply: number[];
  try {
    reply = (await runGateScript(
      redis,
      CHARGE,
      charged.map((c) => c.key),
      [String(count), ...charged.flatMap((c) => [String(c.limit), String(c.windowMs)])],
    )) as number[];
  } catch {
    return undefined;
  }
  if (reply[0] !== 1) return null;
  const windows = reply.slice(1).map(String);
  return {
    refund: (n) =>
      runGateScript(
        redis,
        REFUND,
        charged.map((c) => c.key),
        [String(n), ...windows],
      ).then(
        () => undefined,
        () => charged.forEach((c, i) => memoryRefund(c.key, Number(windows[i]), n)),
      ),
  };
}

function script(name: string, source: string): GateScript {
  const full = `-- couponforge rate limit: ${name}\n${source}`;
  return { name, source: full, sha: createHash("sha1").update(full, "utf8").digest("hex") };
}

/**
 * Sliding window (two fixed windows, the previous one weighted by how much of it still overlaps), kept
 * in one hash per subject: field = window index, value = attempts charged in it.
 * KEYS: one hash per subject; ARGV: count, then per subject its limit and window (ms).
 * Returns {1, window index per subject} when the attempts were charged to every subject, {0} when any
 * subject would pass its limit or has used it up (nothing charged; count 0 only checks). Every subject is
 * checked before any is charged, in one script, so concurrent callers cannot overshoot and a refusal
 * leaves no partial charge.
 */
const CHARGE = script(
  "charge",
  `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local count = tonumber(ARGV[1])
local windows = {1}
for i = 1, #KEYS do
  local limit = tonumber(ARGV[i * 2])
  local window = tonumber(ARGV[i * 2 + 1])
  local cur = math.floor(now / window)
  local counts = redis.call('HMGET', KEYS[i], string.format('%d', cur), string.format('%d', cur - 1))
  local current = tonumber(counts[1] or '0')
  local previous = tonumber(counts[2] or '0')
  local used = math.floor(previous * (1 - (now % window) / window)) + current
  if used + count > limit or used >= limit then return {0} end
  windows[i + 1] = cur
end
if count == 0 then return windows end
for i = 1, #KEYS do
  local cur, window = windows[i + 1], tonumber(ARGV[i * 2 + 1])
  redis.call('HINCRBY', KEYS[i], string.format('%d', cur), count)
  redis.call('HDEL', KEYS[i], string.format('%d', cur - 2))
  redis.call('PEXPIRE', KEYS[i], window * 2)
end
return windows
`,
);

/** KEYS: the subjects' hashes; ARGV: count, then each subject's window index. Gives back up to `count` attempts of that window. */
const REFUND = script(
  "refund",
  `
for i = 1, #KEYS do
  local field = ARGV[i + 1]
  local value = tonumber(redis.call('HGET', KEYS[i], field) or '0')
  if value > 0 then redis.call('HSET', KEYS[i], field, math.max(0, value - tonumber(ARGV[1]))) end
end
return 1
`,
);

// In-process stand-in while Redis is unreachable: guessing stays limited, checkout stays up.
type MemoryEntry = { windowMs: number; counts: Map<number, number> };
const globalForLimits = globalThis as unknown as { couponLimiters?: LRUCache<string, MemoryEntry> };

function memory(): LRUCache<string, MemoryEntry> {
  globalForLimits.couponLimiters ??= new LRUCache<string, MemoryEntry>({ max: 100_000 });
  return globalForLimits.couponLimiters;
}

/** The in-process limiter: every subject checked before any is charged (all or none). */
function memoryChargeAll(charged: Charged[], count: number): Taken | null {
  const now = Date.now();
  const windows: number[] = [];
  const entries: Array<MemoryEntry | undefined> = [];
  for (const c of charged) {
    const cur = Math.floor(now / c.windowMs);
    const entry = memory().get(c.key);
    const previous = entry?.counts.get(cur - 1) ?? 0;
    const used = Math.floor(previous * (1 - (now % c.windowMs) / c.windowMs)) + (entry?.counts.get(cur) ?? 0);
    if (used + count > c.limit || used >= c.limit) return null;
    windows.push(cur);
    entries.push(entry);
  }
  if (count > 0)
    charged.forEach((c, i) => {
      const cur = windows[i]!;
      const entry = entries[i] ?? { windowMs: c.windowMs, counts: new Map<number, number>() };
      for (const window of entry.counts.keys()) if (window < cur - 1) entry.counts.delete(window);
      entry.counts.set(cur, (entry.counts.get(cur) ?? 0) + count);
      memory().set(c.key, entry, { ttl: c.windowMs * 2 });
    });
  return { refund: async (n) => charged.forEach((c, i) => memoryRefund(c.key, windows[i]!, n)) };
}

function memoryRefund(key: string, window: number, count: number): void {
  const entry = memory().get(key);
  const value = entry?.counts.get(window);
  if (entry && value !== undefined) entry.counts.set(window, Math.max(0, value - count));
}
