import type { Cart } from "@/server/domain/schemas";
import { redeemLock, reserveCheckout, type CheckoutCustomerCaller, type RedeemResult } from "./reserve-checkout";
import { runIdempotent } from "./run-idempotent";
import { guardCodeGuesses } from "./validate-checkout";

export type RedeemInput = ({ lockId: string } | { codes: string[]; cart: Cart }) & {
  orderId: string;
  idempotencyKey: string;
};

/** checkout.redeem: a lock becomes redemptions, or codes are locked and redeemed in one step; at most once per key. */
export async function redeemCheckout(input: RedeemInput, caller: CheckoutCustomerCaller): Promise<RedeemResult> {
  const { idempotencyKey, ...payload } = input;
  const ref = { scope: caller.customer.id, key: idempotencyKey, operation: "redeem", payload };
  if ("lockId" in input)
    return runIdempotent(ref, (complete) =>
      redeemLock({ lockId: input.lockId, orderId: input.orderId }, caller, complete),
    );
  return guardCodeGuesses(caller, input.codes, () =>
    runIdempotent(ref, (complete) => reserveCheckout("redeem", input, caller, complete) as Promise<RedeemResult>),
  );
}
