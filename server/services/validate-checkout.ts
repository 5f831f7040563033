import type { Cart, Customer, Quote } from "@/server/domain/schemas";
import { isRateLimited, recordFailedAttempts, type RateLimitSubject } from "@/server/redis/rate-limit";
import { quoteCheckout } from "./checkout-quote";
import { CheckoutRejectedError, DomainError } from "./errors";
import { gateNow } from "./gate/choose-gate";

export type CheckoutCaller = {
  /** Null for an anonymous shopper: per-user rules then answer LOGIN_REQUIRED. */
  customer: Customer | null;
  ip: string;
};

/** A lock, redeem or unlock: always a known customer. */
export type CheckoutCustomerCaller = { customer: Customer; ip: string };

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
 * call, from the gate lock and redeem decide with (the Redis gate's counters while it
 * holds the coupon's state, else Postgres), so a stale cache never accepts a disabled
 * or changed coupon.
 */
export async function validateCheckout(
  input: { codes: string[]; cart: Cart },
  caller: CheckoutCaller,
  now = new Date(),
): Promise<Quote> {
  const gate = gateNow();
  const [, { quote }] = await Promise.all([
    assertNotRateLimited(caller),
    quoteCheckout(input, caller.customer, (resolved) => gate.readUsage(resolved, caller.customer?.id ?? null), now),
  ]);
  await countFailedCodes(caller, quote);
  return quote;
}
