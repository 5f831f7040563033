import { hashCodeForLookup } from "@/server/crypto/code-secrets";
import { getDb } from "@/server/db/client";
import { findCodesByLookupHashes } from "@/server/db/queries/codes";
import { findCouponsByIds } from "@/server/db/queries/coupons";
import { readLiveUsage } from "@/server/db/queries/read-live-usage";
import { parseCode } from "@/server/domain/code-format";
import { quote, type Candidate, type Coupon, type UsageSnapshot } from "@/server/domain/quote";
import { REASON_MESSAGES } from "@/server/domain/reasons";
import type { Cart, Customer, Quote } from "@/server/domain/schemas";
import { env } from "@/server/env";
import { getRedis } from "@/server/redis/client";
import { isRateLimited, recordFailedAttempts, type RateLimitSubject } from "@/server/redis/rate-limit";
import { readCachedCodes, readCachedRules, writeCachedCodes, writeCachedRules, type CachedCode } from "@/server/redis/rules-cache";
import { DomainError } from "./errors";
import { reviveCachedCoupon, toDomainCoupon } from "./map-coupon";

export type CheckoutCaller = {
  /** Null for an anonymous shopper: per-user rules then answer LOGIN_REQUIRED. */
  customer: Customer | null;
  ip: string;
};

type FoundCode = Extract<CachedCode, { found: true }>;
type CachedCoupon = Coupon & { version: number };

/**
 * checkout.validate: the quote for these codes on this cart for this customer.
 * Read-only: usage limits are read (redemptions + live locks), nothing is reserved.
 * Rules come from the Redis cache; status, version and usage are read fresh from
 * Postgres on every call, so a stale cache never accepts a disabled or changed coupon.
 */
export async function validateCheckout(input: { codes: string[]; cart: Cart }, caller: CheckoutCaller, now = new Date()): Promise<Quote> {
  const subjects: RateLimitSubject[] = [{ policy: "failedCodeByIp", identifier: caller.ip }];
  if (caller.customer) subjects.push({ policy: "failedCodeByUser", identifier: caller.customer.id });

  const parsed = input.codes.map((raw) => ({ raw, result: parseCode(raw) }));
  const hashes = new Map<string, Buffer>();
  for (const { result } of parsed) if (result.ok && !hashes.has(result.key)) hashes.set(result.key, hashCodeForLookup(result.key));

  const [limited, codesByKey] = await Promise.all([isRateLimited(subjects), lookUpCodes(hashes)]);
  // Checked before answering anything about the codes: over the limit, no more guesses are judged.
  if (limited) throw new DomainError("RATE_LIMITED");

  const found = [...codesByKey.values()].filter((c): c is FoundCode => c.found);
  const couponIds = [...new Set(found.map((c) => c.couponId))];
  const [rules, live] = await Promise.all([
    loadRules(couponIds),
    readLiveUsage(getDb(), { couponIds, codeIds: found.map((c) => c.id), customerId: caller.customer?.id ?? null }),
  ]);

  // Fresh status always wins; a version mismatch means the cached rules are stale: reload them.
  const staleIds = live.coupons.filter((state) => rules.get(state.id)?.version !== state.version).map((state) => state.id);
  if (staleIds.length > 0) for (const coupon of await loadRulesFromDb(staleIds)) rules.set(coupon.id, coupon);
  const liveCoupons = new Map(live.coupons.map((state) => [state.id, state]));
  const liveCodes = new Map(live.codes.map((state) => [state.id, state]));

  const usage = {
    coupons: {} as Record<string, { uses: number; discountSpent: number }>,
    codes: {} as Record<string, { redeemed: number; locked: number }>,
    customerCoupons: {} as Record<string, number>,
  } satisfies UsageSnapshot;
  const candidates: Candidate[] = parsed.map(({ raw, result }) => {
    if (!result.ok) return { code: raw.trim().slice(0, 64), reason: "INVALID_FORMAT" };
    const code = codesByKey.get(result.key);
    const coupon = code?.found ? rules.get(code.couponId) : undefined;
    const liveCoupon = code?.found ? liveCoupons.get(code.couponId) : undefined;
    const liveCode = code?.found ? liveCodes.get(code.id) : undefined;
    if (!code?.found || !coupon || !liveCoupon || !liveCode) return { code: result.code, reason: "NOT_FOUND" };
    // Someone else's unique code answers like a wrong guess: unique codes cannot be probed.
    if (code.kind === "UNIQUE" && liveCode.assignedUserId && caller.customer && liveCode.assignedUserId !== caller.customer.id) {
      return { code: result.code, reason: "NOT_FOUND" };
    }
    usage.coupons[coupon.id] = { uses: liveCoupon.uses, discountSpent: liveCoupon.discountSpent };
    usage.codes[code.id] = { redeemed: liveCode.redeemed, locked: liveCode.locked };
    usage.customerCoupons[coupon.id] = liveCoupon.customerUses;
    return {
      code: result.code,
      codeId: code.id,
      coupon: { ...coupon, status: liveCoupon.status },
      codeInfo: {
        state: liveCode.status === "DISABLED" ? "DISABLED" : liveCode.assignedUserId ? "ASSIGNED" : "AVAILABLE",
        assignedUserId: liveCode.assignedUserId,
        maxRedemptions: code.maxRedemptions,
      },
    };
  });

  const result = quote(input.cart, candidates, caller.customer, usage, now, { maxCodesPerCart: env().MAX_CODES_PER_CART });
  const failures = result.rejected.filter((r) => r.reason === "NOT_FOUND" || r.reason === "INVALID_FORMAT").length;
  if (failures > 0) await recordFailedAttempts(subjects, failures);
  return { ...result, rejected: result.rejected.map((r) => ({ ...r, message: REASON_MESSAGES[r.reason] })) };
}

async function lookUpCodes(hashes: Map<string, Buffer>): Promise<Map<string, CachedCode>> {
  const keys = [...hashes.keys()];
  const byKey = new Map<string, CachedCode>();
  if (keys.length === 0) return byKey;
  const hex = keys.map((key) => hashes.get(key)!.toString("hex"));
  const cached = await withRedisOr(async (redis) => readCachedCodes(redis, hex), () => []);
  const misses: number[] = [];
  keys.forEach((key, i) => {
    const entry = cached[i];
    if (entry) byKey.set(key, entry);
    else misses.push(i);
  });
  if (misses.length === 0) return byKey;

  const rows = await findCodesByLookupHashes(getDb(), misses.map((i) => hashes.get(keys[i]!)!));
  const rowsByHex = new Map(rows.map((row) => [row.lookupHash.toString("hex"), row]));
  const toCache = misses.map((i) => {
    const row = rowsByHex.get(hex[i]!);
    const value: CachedCode = row
      ? { found: true, id: row.id, couponId: row.couponId, kind: row.kind, maxRedemptions: row.maxRedemptions, assignedUserId: row.assignedUserId, status: row.status }
      : { found: false };
    byKey.set(keys[i]!, value);
    return { lookupHashHex: hex[i]!, value };
  });
  await withRedisOr((redis) => writeCachedCodes(redis, toCache), () => undefined);
  return byKey;
}

async function loadRules(couponIds: string[]): Promise<Map<string, CachedCoupon>> {
  const rules = new Map<string, CachedCoupon>();
  if (couponIds.length === 0) return rules;
  const cached = await withRedisOr((redis) => readCachedRules<CachedCoupon>(redis, couponIds), () => []);
  const misses: string[] = [];
  couponIds.forEach((id, i) => {
    const entry = cached[i];
    if (entry) rules.set(id, reviveCachedCoupon(entry));
    else misses.push(id);
  });
  if (misses.length > 0) for (const coupon of await loadRulesFromDb(misses)) rules.set(coupon.id, coupon);
  return rules;
}

async function loadRulesFromDb(couponIds: string[]): Promise<CachedCoupon[]> {
  const coupons = (await findCouponsByIds(getDb(), couponIds)).map(toDomainCoupon);
  await withRedisOr((redis) => writeCachedRules(redis, coupons), () => undefined);
  return coupons;
}

// The cache is an optimisation: when Redis is missing or failing, read Postgres instead.
async function withRedisOr<T>(run: (redis: NonNullable<ReturnType<typeof getRedis>>) => Promise<T>, fallback: () => T): Promise<T> {
  const redis = getRedis();
  if (!redis) return fallback();
  try {
    return await run(redis);
  } catch (error) {
    console.warn("[validate] Redis unavailable, reading Postgres:", error instanceof Error ? error.message : error);
    return fallback();
  }
}
