import type { Cart, Quote } from "@/server/domain/schemas";
import { quoteCheckout } from "./checkout-quote";
import { gateNow } from "./gate/choose-gate";
import { guardCodeGuesses, type CheckoutCaller } from "./guard-code-guesses";
import type { CheckoutCustomer } from "./read-order-history";

export type { CheckoutCaller } from "./guard-code-guesses";
export { guardCodeGuesses };

/** A lock, redeem or unlock: always a known customer. */
export type CheckoutCustomerCaller = { customer: CheckoutCustomer; ip: string };

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
      caller.customer,
      (resolved) => gate.readUsage(resolved, caller.customer?.id ?? null),
      now,
    );
    return plan.quote;
  });
}
