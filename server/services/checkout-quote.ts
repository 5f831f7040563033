import { hashCodeForLookup } from "@/server/crypto/code-secrets";
import { getDb } from "@/server/db/client";
import { findCodesByLookupHashes } from "@/server/db/queries/codes";
import { findCouponsByIds } from "@/server/db/queries/coupons";
import type { LiveCodeState, LiveCouponState } from "@/server/db/queries/read-live-usage";
import { parseCode, type ParsedCode } from "@/server/domain/code-format";
import { quote, type Candidate, type Coupon, type ResolvedCandidate, type UsageSnapshot } from "@/server/domain/quote";
import { REASON_MESSAGES } from "@/server/domain/reasons";
import type { Cart, Customer, Quote } from "@/server/domain/schemas";
import { env } from "@/server/env";
import { currentGateMode } from "@/server/redis/circuit-breaker";
import { getRedis } from "@/server/redis/client";
import {
  readCachedCodes,
  readCachedRules,
  writeCachedCodes,
  writeCachedRules,
  type CachedCode,
} from "@/server/redis/rules-cache";
import { LRUCache } from "lru-cache";
import { z } from "zod";
import { CheckoutRejectedError } from "./errors";
import { reviveCachedCoupon, toDomainCoupon } from "./map-coupon";
import { readOrderHistory, type CheckoutCustomer } from "./read-order-history";

/**
 * In-process first level in front of the Redis caches, for hot codes. Safe to
 * keep a few seconds: every call compares the rules' version with fresh state
 * (Postgres in validate, the Redis gate in lock/redeem) and reloads on a mismatch.
 */
const L1_TTL_MS = 5_000;
const globalForL1 = globalThis as unknown as {
  couponL1?: { codes: LRUCache<string, CachedCode>; rules: LRUCache<string, CachedCoupon> };
};
function l1() {
  globalForL1.couponL1 ??= {
    codes: new LRUCache<string, CachedCode>({ max: 10_000, ttl: L1_TTL_MS }),
    rules: new LRUCache<string, CachedCoupon>({ max: 1_000, ttl: L1_TTL_MS }),
  };
  return globalForL1.couponL1;
}

/** Forget this process's copies (after an admin change here; other processes wait out L1_TTL_MS or see a new version). */
export function forgetLocalCopies(target: { couponIds?: string[]; lookupHashesHex?: string[] }): void {
  for (const id of target.couponIds ?? []) l1().rules.delete(id);
  for (const hex of target.lookupHashesHex ?? []) l1().codes.delete(hex);
}

/** A code this process looked up lately and found (by its lookup hash, hex), from the in-process cache; no I/O. */
export function codeFoundLately(lookupHashHex: string): FoundCode | undefined {
  const entry = l1().codes.get(lookupHashHex);
  return entry?.found ? entry : undefined;
}

export type FoundCode = Extract<CachedCode, { found: true }>;
export type CachedCoupon = Coupon & { version: number };

/** The entered codes, looked up (by keyed hash) with their coupons' rules. */
export type ResolvedCodes = {
  parsed: Array<{ raw: string; result: ParsedCode }>;
  codesByKey: Map<string, CachedCode>;
  rules: Map<string, CachedCoupon>;
  found: FoundCode[];
  couponIds: string[];
};

export type LiveUsage = { coupons: LiveCouponState[]; codes: LiveCodeState[] };

/**
 * What a lock or redeem takes from the gate for one applied code, and what its lock item or
 * redemption row records.
 */
export type PlanItem = {
  code: string;
  codeId: string;
  couponId: string;
  amount: number;
  expectedVersion: number;
  limits: { maxRedemptions: number | null; maxPerUser: number | null; budget: number | null; codeMax: number | null };
  perUserUnique: boolean;
  codeSingleUse: boolean;
};

/** A quote and what each of its applied codes takes from the gate. */
export type CheckoutPlan = { quote: Quote; items: PlanItem[] };

/** Reads the live usage of the looked-up codes' coupons, where the caller decides (a gate, or Postgres). */
export type UsageReader = (resolved: ResolvedCodes) => Promise<LiveUsage>;

/**
 * The quote pipeline, for validate, lock and redeem alike: the codes are looked up (caches, then
 * Postgres, by keyed hash), their coupons' usage is read where the decision is made (`readUsage`),
 * rules whose version is not the live one are read again, and the discount engine runs.
 */
export async function quoteCheckout(
  checkout: { codes: string[]; cart: Cart },
  customer: CheckoutCustomer | null,
  readUsage: UsageReader,
  now = new Date(),
): Promise<CheckoutPlan> {
  const resolved = await resolveCodes(checkout.codes);
  const live = resolved.couponIds.length === 0 ? { coupons: [], codes: [] } : await readUsage(resolved);
  await refreshStaleRules(resolved, live.coupons);
  const firstOrderOnly = resolved.couponIds.some((id) => resolved.rules.get(id)?.firstOrderOnly === true);
  const quotedFor = await readOrderHistory(customer, firstOrderOnly);
  const { quote, accepted } = quoteResolved(resolved, live, checkout.cart, quotedFor, now);
  const items = quote.applied.map((applied): PlanItem => {
    const candidate = accepted.get(applied.code);
    const rules = resolved.rules.get(applied.couponId);
    if (!candidate || !rules) throw new Error(`applied code ${applied.code} has no candidate`);
    const codeMax = candidate.codeInfo.maxRedemptions ?? null;
    return {
      code: applied.code,
      codeId: candidate.codeId,
      couponId: applied.couponId,
      amount: applied.amount,
      expectedVersion: rules.version,
      limits: {
        maxRedemptions: rules.maxRedemptions ?? null,
        maxPerUser: rules.maxRedemptionsPerUser ?? null,
        budget: rules.budget ?? null,
        codeMax,
      },
      perUserUnique: rules.maxRedemptionsPerUser === 1,
      codeSingleUse: codeMax === 1,
    };
  });
  return { quote, items };
}

/** What a lock stores (locks.quote) to be redeemed later without re-quoting. */
export type StoredLock = { quote: Quote; items: PlanItem[]; currency: string; channel: string | null };

const storedLockSchema = z.object({
  quote: z.custom<Quote>((value) => typeof value === "object" && value !== null && "applied" in value),
  items: z.array(
    z.object({
      code: z.string(),
      codeId: z.string(),
      couponId: z.string(),
      amount: z.number(),
      expectedVersion: z.number(),
      limits: z.object({
        maxRedemptions: z.number().nullable(),
        maxPerUser: z.number().nullable(),
        budget: z.number().nullable(),
        codeMax: z.number().nullable(),
      }),
      perUserUnique: z.boolean(),
      codeSingleUse: z.boolean(),
    }),
  ),
  currency: z.string(),
  channel: z.string().nullable(),
});

/** A lock row's stored quote, checked (it is JSON from the database). */
export function readStoredLock(stored: unknown): StoredLock {
  return storedLockSchema.parse(stored);
}

/** Lock and redeem take every code or none: a quote that refused one, or applied none, is refused. */
export function requireEveryCode(plan: CheckoutPlan): CheckoutPlan {
  if (plan.quote.rejected.length > 0) throw new CheckoutRejectedError(plan.quote.rejected);
  if (plan.quote.applied.length === 0) throw new CheckoutRejectedError([], "No code to lock or redeem.");
  return plan;
}

async function resolveCodes(codes: string[]): Promise<ResolvedCodes> {
  const parsed = codes.map((raw) => ({ raw, result: parseCode(raw) }));
  const hashes = new Map<string, Buffer>();
  for (const { result } of parsed)
    if (result.ok && !hashes.has(result.key)) hashes.set(result.key, hashCodeForLookup(result.key));
  const codesByKey = await lookUpCodes(hashes);
  const found = [...codesByKey.values()].filter((c): c is FoundCode => c.found);
  const couponIds = [...new Set(found.map((c) => c.couponId))];
  return { parsed, codesByKey, rules: await loadRules(couponIds), found, couponIds };
}

/** Rules whose version differs from the live one are stale: read them again from Postgres. */
async function refreshStaleRules(resolved: ResolvedCodes, live: Pick<LiveCouponState, "id" | "version">[]) {
  const staleIds = live
    .filter((state) => resolved.rules.get(state.id)?.version !== state.version)
    .map((state) => state.id);
  if (staleIds.length === 0) return;
  for (const coupon of await reloadRules(staleIds)) resolved.rules.set(coupon.id, coupon);
}

/** Runs the engine on resolved codes with a usage snapshot (Postgres or Redis counters). */
function quoteResolved(
  resolved: ResolvedCodes,
  live: LiveUsage,
  cart: Cart,
  customer: Customer | null,
  now: Date,
): { quote: Quote; accepted: Map<string, ResolvedCandidate> } {
  const liveCoupons = new Map(live.coupons.map((state) => [state.id, state]));
  const liveCodes = new Map(live.codes.map((state) => [state.id, state]));
  const usage = {
    coupons: {} as Record<string, { uses: number; discountSpent: number }>,
    codes: {} as Record<string, { redeemed: number; locked: number }>,
    customerCoupons: {} as Record<string, number>,
  } satisfies UsageSnapshot;
  const accepted = new Map<string, ResolvedCandidate>();

  const candidates: Candidate[] = resolved.parsed.map(({ raw, result }) => {
    if (!result.ok) return { code: raw.trim().slice(0, 64), reason: "INVALID_FORMAT" };
    const code = resolved.codesByKey.get(result.key);
    const coupon = code?.found ? resolved.rules.get(code.couponId) : undefined;
    const liveCoupon = code?.found ? liveCoupons.get(code.couponId) : undefined;
    const liveCode = code?.found ? liveCodes.get(code.id) : undefined;
    if (!code?.found || !coupon || !liveCoupon || !liveCode) return { code: result.code, reason: "NOT_FOUND" };
    // Someone else's unique code answers like a wrong guess: unique codes cannot be probed.
    if (code.kind === "UNIQUE" && liveCode.assignedUserId && customer && liveCode.assignedUserId !== customer.id) {
      return { code: result.code, reason: "NOT_FOUND" };
    }
    usage.coupons[coupon.id] = { uses: liveCoupon.uses, discountSpent: liveCoupon.discountSpent };
    usage.codes[code.id] = { redeemed: liveCode.redeemed, locked: liveCode.locked };
    usage.customerCoupons[coupon.id] = liveCoupon.customerUses;
    const candidate: ResolvedCandidate = {
      code: result.code,
      codeId: code.id,
      coupon: { ...coupon, status: liveCoupon.status },
      codeInfo: {
        state: liveCode.status === "DISABLED" ? "DISABLED" : liveCode.assignedUserId ? "ASSIGNED" : "AVAILABLE",
        assignedUserId: liveCode.assignedUserId,
        maxRedemptions: code.maxRedemptions,
      },
    };
    accepted.set(result.code, candidate);
    return candidate;
  });

  const result = quote(cart, candidates, customer, usage, now, { maxCodesPerCart: env().MAX_CODES_PER_CART });
  return {
    quote: { ...result, rejected: result.rejected.map((r) => ({ ...r, message: REASON_MESSAGES[r.reason] })) },
    accepted,
  };
}

async function lookUpCodes(hashes: Map<string, Buffer>): Promise<Map<string, CachedCode>> {
  const keys = [...hashes.keys()];
  const byKey = new Map<string, CachedCode>();
  if (keys.length === 0) return byKey;
  const hex = keys.map((key) => hashes.get(key)!.toString("hex"));
  const local = hex.map((h) => l1().codes.get(h));
  const needRedis = keys.map((_, i) => i).filter((i) => !local[i]);
  const fromRedis =
    needRedis.length === 0
      ? []
      : await withRedisOr(
          (redis) =>
            readCachedCodes(
              redis,
              needRedis.map((i) => hex[i]!),
            ),
          () => [],
        );
  const cached = [...local];
  needRedis.forEach((i, j) => {
    const entry = fromRedis[j];
    cached[i] = entry;
    if (entry?.found) l1().codes.set(hex[i]!, entry);
  });
  const misses: number[] = [];
  keys.forEach((key, i) => {
    const entry = cached[i];
    if (entry) byKey.set(key, entry);
    else misses.push(i);
  });
  if (misses.length === 0) return byKey;

  const rows = await findCodesByLookupHashes(
    getDb(),
    misses.map((i) => hashes.get(keys[i]!)!),
  );
  const rowsByHex = new Map(rows.map((row) => [row.lookupHash.toString("hex"), row]));
  const toCache = misses.map((i) => {
    const row = rowsByHex.get(hex[i]!);
    const value: CachedCode = row
      ? {
          found: true,
          id: row.id,
          couponId: row.couponId,
          kind: row.kind,
          maxRedemptions: row.maxRedemptions,
          assignedUserId: row.assignedUserId,
          status: row.status,
        }
      : { found: false };
    byKey.set(keys[i]!, value);
    if (value.found) l1().codes.set(hex[i]!, value);
    return { lookupHashHex: hex[i]!, value };
  });
  await withRedisOr(
    (redis) => writeCachedCodes(redis, toCache),
    () => undefined,
  );
  return byKey;
}

async function loadRules(couponIds: string[]): Promise<Map<string, CachedCoupon>> {
  const rules = new Map<string, CachedCoupon>();
  if (couponIds.length === 0) return rules;
  const needRedis = couponIds.filter((id) => {
    const local = l1().rules.get(id);
    if (local) rules.set(id, local);
    return !local;
  });
  const cached =
    needRedis.length === 0
      ? []
      : await withRedisOr(
          (redis) => readCachedRules<CachedCoupon>(redis, needRedis),
          () => [],
        );
  const misses: string[] = [];
  needRedis.forEach((id, i) => {
    const entry = cached[i];
    if (entry) {
      const coupon = reviveCachedCoupon(entry);
      rules.set(id, coupon);
      l1().rules.set(id, coupon);
    } else misses.push(id);
  });
  if (misses.length > 0) for (const coupon of await reloadRules(misses)) rules.set(coupon.id, coupon);
  return rules;
}

/** The rules of these coupons read again from Postgres (and written to both caches). */
export async function reloadRules(couponIds: string[]): Promise<CachedCoupon[]> {
  const coupons = (await findCouponsByIds(getDb(), couponIds)).map(toDomainCoupon);
  for (const coupon of coupons) l1().rules.set(coupon.id, coupon);
  await withRedisOr(
    (redis) => writeCachedRules(redis, coupons),
    () => undefined,
  );
  return coupons;
}

// The caches are an optimisation: when Redis is missing or failing, read Postgres instead (and while the
// breaker holds Redis for failed, do not wait for it at all: each failing call can take seconds).
async function withRedisOr<T>(
  run: (redis: NonNullable<ReturnType<typeof getRedis>>) => Promise<T>,
  fallback: () => T,
): Promise<T> {
  const redis = getRedis();
  if (!redis || currentGateMode().kind !== "redis") return fallback();
  try {
    return await run(redis);
  } catch (error) {
    console.warn(
      "[checkout] Redis cache unavailable, reading Postgres:",
      error instanceof Error ? error.message : error,
    );
    return fallback();
  }
}
