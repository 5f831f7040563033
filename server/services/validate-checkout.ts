import { getDb } from "@/server/db/client";
import type { Cart, Customer, Quote } from "@/server/domain/schemas";
import { currentGateMode, reportRedisFailure } from "@/server/redis/circuit-breaker";
import { getRedis } from "@/server/redis/client";
import { isRateLimited, recordFailedAttempts, type RateLimitSubject } from "@/server/redis/rate-limit";
import {
  liveFromGate,
  quoteResolved,
  readGateUsage,
  readPostgresUsage,
  refreshStaleRules,
  resolveCodes,
  type LiveUsage,
  type ResolvedCodes,
} from "./checkout-quote";
import { ensureGateState } from "./ensure-gate-state";
import { CheckoutRejectedError, DomainError } from "./errors";

export type CheckoutCaller = {
  /** Null for an anonymous shopper: per-user rules then answer LOGIN_REQUIRED. */
  customer: Customer | null;
  ip: string;
};

export function rateLimitSubjects(caller: CheckoutCaller): RateLimitSubject[] {
  const subjects: RateLimitSubject[] = [{ policy: "failedCodeByIp", identifier: caller.ip }];
  if (caller.customer) subjects.push({ policy: "failedCodeByUser", identifier: caller.customer.id });
  return subjects;
}

/** Over the limit, no more codes are judged (checked before answering anything about them). */
export async function assertNotRateLimited(caller: CheckoutCaller): Promise<void> {
  if (await isRateLimited(rateLimitSubjects(caller))) throw new DomainError("RATE_LIMITED");
}

/** Failed guesses (unknown or malformed codes) count against the caller's limits. */
export async function countFailedCodes(caller: CheckoutCaller, quote: Pick<Quote, "rejected">): Promise<void> {
  const failures = quote.rejected.filter((r) => r.reason === "NOT_FOUND" || r.reason === "INVALID_FORMAT").length;
  if (failures > 0) await recordFailedAttempts(rateLimitSubjects(caller), failures);
}

/**
 * Lock and redeem with codes: refused while the caller is over the failed-guess limits, and a refusal
 * naming unknown codes counts against them, as validate does.
 */
export async function guardCodeGuesses<T>(caller: CheckoutCaller, run: () => Promise<T>): Promise<T> {
  await assertNotRateLimited(caller);
  try {
    return await run();
  } catch (error) {
    if (error instanceof CheckoutRejectedError) await countFailedCodes(caller, error);
    throw error;
  }
}

/**
 * checkout.validate: the quote for these codes on this cart for this customer.
 * Read-only: usage limits are read (redemptions + live locks), nothing is reserved.
 * Rules come from the Redis cache; status, version and usage are read live on every
 * call, from where lock and redeem will decide (readUsageForQuote), so a stale cache
 * never accepts a disabled or changed coupon.
 */
export async function validateCheckout(
  input: { codes: string[]; cart: Cart },
  caller: CheckoutCaller,
  now = new Date(),
): Promise<Quote> {
  const [, resolved] = await Promise.all([assertNotRateLimited(caller), resolveCodes(input.codes)]);
  const live = await readUsageForQuote(resolved, caller.customer?.id ?? null);
  await refreshStaleRules(resolved, live.coupons);
  const { quote } = quoteResolved(resolved, live, input.cart, caller.customer, now);
  await countFailedCodes(caller, quote);
  return quote;
}

/**
 * The live usage of the resolved codes' coupons, from where lock and redeem decide: the Redis gate's
 * counters while it is the gate and holds every coupon's state (one script, no Postgres query, however
 * many redemptions a hot coupon has), else Postgres (redemptions + live locks, counted; a missing
 * state is loaded in the background). Unknown codes only: nothing to read.
 */
async function readUsageForQuote(resolved: ResolvedCodes, customerId: string | null): Promise<LiveUsage> {
  if (resolved.couponIds.length === 0) return { coupons: [], codes: [] };
  const redis = getRedis();
  if (redis && currentGateMode().kind === "redis") {
    try {
      const { usage, notLoaded } = await readGateUsage(redis, resolved, customerId);
      if (notLoaded.length === 0) return liveFromGate(resolved, usage);
      // State not loaded yet (first use, after a flush): answer from Postgres now and have the gate
      // load it meanwhile (one rebuild per coupon per process, shared with lock and redeem).
      ensureGateState(notLoaded).catch((error: unknown) =>
        console.warn("[validate] loading the gate state failed:", error instanceof Error ? error.message : error),
      );
    } catch (error) {
      reportRedisFailure(error);
    }
  }
  return readPostgresUsage(getDb(), resolved, customerId);
}
