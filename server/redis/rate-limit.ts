import { Ratelimit } from "@upstash/ratelimit";
import { RateLimiterMemory } from "rate-limiter-flexible";
import { env } from "@/server/env";
import { getRedis } from "./client";
import { keys } from "./keys";

export type RateLimitPolicyName = "failedCodeByIp" | "failedCodeByUser";
type Policy = { limit: number; windowSeconds: number };

/** The policy table: failed code attempts per window, per identity kind. */
export function rateLimitPolicies(): Record<RateLimitPolicyName, Policy> {
  const e = env();
  return {
    failedCodeByIp: { limit: e.RATE_LIMIT_FAILED_CODES_PER_IP, windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS },
    failedCodeByUser: { limit: e.RATE_LIMIT_FAILED_CODES_PER_USER, windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS },
  };
}

export type RateLimitSubject = { policy: RateLimitPolicyName; identifier: string };

type Limiters = { redis: Ratelimit | null; memory: RateLimiterMemory };
const globalForLimits = globalThis as unknown as { couponLimiters?: Map<RateLimitPolicyName, Limiters> };

function limitersFor(name: RateLimitPolicyName): Limiters {
  globalForLimits.couponLimiters ??= new Map();
  let limiters = globalForLimits.couponLimiters.get(name);
  if (!limiters) {
    const policy = rateLimitPolicies()[name];
    const redis = getRedis();
    limiters = {
      redis: redis
        ? new Ratelimit({
            redis,
            limiter: Ratelimit.slidingWindow(policy.limit, `${policy.windowSeconds} s`),
            prefix: keys.rateLimit(name),
            // Its default on timeout is to let everything through; we fall back to memory instead.
            timeout: 1_000,
            ephemeralCache: false,
          })
        : null,
      // In-process stand-in while Redis is unreachable: guessing stays limited, checkout stays up.
      memory: new RateLimiterMemory({ points: policy.limit, duration: policy.windowSeconds }),
    };
    globalForLimits.couponLimiters.set(name, limiters);
  }
  return limiters;
}

async function remainingOf(subject: RateLimitSubject): Promise<number> {
  const limiters = limitersFor(subject.policy);
  if (limiters.redis) {
    try {
      return (await limiters.redis.getRemaining(subject.identifier)).remaining;
    } catch {
      // fall through to the in-process limiter
    }
  }
  const state = await limiters.memory.get(subject.identifier);
  return state ? state.remainingPoints : rateLimitPolicies()[subject.policy].limit;
}

/** True when any subject has no failed attempts left in its window (read-only). */
export async function isRateLimited(subjects: RateLimitSubject[]): Promise<boolean> {
  const remaining = await Promise.all(subjects.map(remainingOf));
  return remaining.some((r) => r <= 0);
}

/** Counts `failures` failed attempts against every subject. */
export async function recordFailedAttempts(subjects: RateLimitSubject[], failures: number): Promise<void> {
  if (failures <= 0) return;
  await Promise.all(
    subjects.map(async (subject) => {
      const limiters = limitersFor(subject.policy);
      if (limiters.redis) {
        try {
          const result = await limiters.redis.limit(subject.identifier, { rate: failures });
          if (result.reason !== "timeout") return;
        } catch {
          // fall through
        }
      }
      await limiters.memory.penalty(subject.identifier, failures);
    }),
  );
}
