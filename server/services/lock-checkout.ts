import type { Cart } from "@/server/domain/schemas";
import { CheckoutRejectedError } from "./errors";
import { reserveCheckout, type CheckoutCustomerCaller, type LockResult } from "./reserve-checkout";
import { runIdempotent } from "./run-idempotent";
import { assertNotRateLimited, countFailedCodes } from "./validate-checkout";

/** checkout.lock: reserves one use of every code for LOCK_TTL_SECONDS, all or nothing, once per idempotency key. */
export async function lockCheckout(
  input: { codes: string[]; cart: Cart; idempotencyKey: string },
  caller: CheckoutCustomerCaller,
  opts: { ttlMs?: number } = {},
): Promise<LockResult> {
  await assertNotRateLimited(caller);
  try {
    return await runIdempotent({ scope: caller.customer.id, key: input.idempotencyKey, operation: "lock", payload: { codes: input.codes, cart: input.cart } }, (complete) =>
      reserveCheckout("lock", input, caller, complete, opts) as Promise<LockResult>,
    );
  } catch (error) {
    if (error instanceof CheckoutRejectedError) await countFailedCodes(caller, error);
    throw error;
  }
}
