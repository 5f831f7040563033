import type { Redis } from "@upstash/redis";
import { keys } from "./keys";

/** How long cached rules live; every admin change deletes them at once anyway. */
export const RULES_CACHE_TTL_SECONDS = 60;
/** Misses are cached briefly too (guessing must not hammer Postgres); creating a code deletes its marker. */
export const MISSING_CODE_TTL_SECONDS = 30;

export type CachedCode =
  | {
      found: true;
      id: string;
      couponId: string;
      kind: "SHARED" | "UNIQUE";
      maxRedemptions: number | null;
      assignedUserId: string | null;
      status: "ACTIVE" | "DISABLED";
    }
  | { found: false };

// Values go through JSON ourselves: @upstash/redis would turn JSON-looking strings into objects anyway.
function parse<T>(value: unknown): T | undefined {
  if (value == null) return undefined;
  if (typeof value === "string") return JSON.parse(value) as T;
  return value as T;
}

export async function readCachedCodes(redis: Redis, lookupHashesHex: string[]): Promise<Array<CachedCode | undefined>> {
  if (lookupHashesHex.length === 0) return [];
  const values = await redis.mget<unknown[]>(...lookupHashesHex.map(keys.codeLookup));
  return values.map((value) => parse<CachedCode>(value));
}

export async function writeCachedCodes(
  redis: Redis,
  entries: Array<{ lookupHashHex: string; value: CachedCode }>,
): Promise<void> {
  if (entries.length === 0) return;
  const pipeline = redis.pipeline();
  for (const { lookupHashHex, value } of entries) {
    pipeline.set(keys.codeLookup(lookupHashHex), JSON.stringify(value), {
      ex: value.found ? RULES_CACHE_TTL_SECONDS : MISSING_CODE_TTL_SECONDS,
    });
  }
  await pipeline.exec();
}

export async function readCachedRules<T extends { version: number }>(
  redis: Redis,
  couponIds: string[],
): Promise<Array<T | undefined>> {
  if (couponIds.length === 0) return [];
  const values = await redis.mget<unknown[]>(...couponIds.map(keys.couponRules));
  return values.map((value) => parse<T>(value));
}

export async function writeCachedRules<T extends { id: string; version: number }>(
  redis: Redis,
  rules: T[],
): Promise<void> {
  if (rules.length === 0) return;
  const pipeline = redis.pipeline();
  for (const rule of rules)
    pipeline.set(keys.couponRules(rule.id), JSON.stringify(rule), { ex: RULES_CACHE_TTL_SECONDS });
  await pipeline.exec();
}

/** Called after every change to a coupon or code. */
export async function invalidateCache(
  redis: Redis,
  target: { couponIds?: string[]; lookupHashesHex?: string[] },
): Promise<void> {
  const toDelete = [
    ...(target.couponIds ?? []).map(keys.couponRules),
    ...(target.lookupHashesHex ?? []).map(keys.codeLookup),
  ];
  if (toDelete.length > 0) await redis.del(...toDelete);
}
