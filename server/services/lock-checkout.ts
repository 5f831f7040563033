import type { Cart } from "@/server/domain/schemas";
import { reserveCheckout, type CheckoutCustomerCaller, type LockResult } from "./reserve-checkout";
import { runIdempotent } from "./run-idempotent";
import { guardCodeGuesses } from "./validate-checkout";

/** checkout.lock: reserves one use of every code for LOCK_TTL_SECONDS, all or nothing, once per idempotency key. */
export async function lockCheckout(
  input: { codes: string[]; cart: Cart; idempotencyKey: string },
  caller: CheckoutCustomerCaller,
  opts: { ttlMs?: number } = {},
): Promise<LockResult> {
  return guardCodeGuesses(caller, input.codes, () =>
    runIdempotent(
      {
        scope: caller.customer.id,
        key: input.idempotencyKey,
        operation: "lock",
        payload: { codes: input.codes, cart: input.cart },
      },
      (complete) => reserveCheckout("lock", input, caller, complete, opts) as Promise<LockResult>,
    ),
  );
}
