import type { Cart, Quote } from "@/server/domain/schemas";
import { quoteCheckout } from "./checkout-quote";
import { gateNow } from "./gate/choose-gate";
import { guardCodeGuesses, type CheckoutCaller } from "./guard-code-guesses";
import type { CheckoutCustomer } from "./read-order-history";

export type { CheckoutCaller } from "./guard-code-guesses";
export { guardCodeGuesses };

/**
 * A lock, redeem or unlock: always a customer id to hold the lock under. A guest's (guest: true) is
 * no known user: its rules are judged as an anonymous shopper's (rulesCustomerOf).
 */
export type CheckoutCustomerCaller = { customer: CheckoutCustomer; ip: string; guest?: boolean; apiKeyId?: string };

/** The customer the coupon rules see: none for a guest, so per-user rules answer LOGIN_REQUIRED. */
export function rulesCustomerOf(caller: CheckoutCaller): CheckoutCustomer | null {
  return caller.guest ? null : caller.customer;
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
  return guardCodeGuesses(caller, input.codes, async () => {
    const plan = await quoteCheckout(
      input,
      rulesCustomerOf(caller),
      (resolved) => gate.readUsage(resolved, caller.customer?.id ?? null),
      now,
    );
    return plan.quote;
  });
}
