import { getDb } from "@/server/db/client";
import type { Cart, Quote } from "@/server/domain/schemas";
import { currentGateMode, reportRedisFailure } from "@/server/redis/circuit-breaker";
import { getRedis } from "@/server/redis/client";
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
import { guardCodeGuesses, type CheckoutCaller } from "./guard-code-guesses";

export type { CheckoutCaller } from "./guard-code-guesses";
export { guardCodeGuesses };

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
  return guardCodeGuesses(caller, input.codes, async () => {
    const resolved = await resolveCodes(input.codes);
    const live = await readUsageForQuote(resolved, caller.customer?.id ?? null);
    await refreshStaleRules(resolved, live.coupons);
    return quoteResolved(resolved, live, input.cart, caller.customer, now).quote;
  });
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
