import { getDb } from "@/server/db/client";
import { readLiveUsage } from "@/server/db/queries/read-live-usage";
import type { Cart, Customer, Quote } from "@/server/domain/schemas";
import { isRateLimited, recordFailedAttempts, type RateLimitSubject } from "@/server/redis/rate-limit";
import { quoteResolved, refreshStaleRules, resolveCodes } from "./checkout-quote";
import { DomainError } from "./errors";

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
 * checkout.validate: the quote for these codes on this cart for this customer.
 * Read-only: usage limits are read (redemptions + live locks), nothing is reserved.
 * Rules come from the Redis cache; status, version and usage are read fresh from
 * Postgres on every call, so a stale cache never accepts a disabled or changed coupon.
 */
export async function validateCheckout(input: { codes: string[]; cart: Cart }, caller: CheckoutCaller, now = new Date()): Promise<Quote> {
  const [, resolved] = await Promise.all([assertNotRateLimited(caller), resolveCodes(input.codes)]);
  const live = await readLiveUsage(getDb(), { couponIds: resolved.couponIds, codeIds: resolved.found.map((c) => c.id), customerId: caller.customer?.id ?? null });
  await refreshStaleRules(resolved, live.coupons);
  const { quote } = quoteResolved(resolved, live, input.cart, caller.customer, now);
  await countFailedCodes(caller, quote);
  return quote;
}
