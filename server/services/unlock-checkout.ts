import { getDb } from "@/server/db/client";
import { closeLock, findLock } from "@/server/db/queries/gate-records";
import { NotFoundError } from "./errors";
import { gateNow } from "./gate/choose-gate";
import { couponIdsOf } from "./gate/gate";
import type { CheckoutCustomerCaller } from "./validate-checkout";

/** checkout.unlock: gives a live lock's reservations back; false if it was not live. */
export async function unlockCheckout(
  input: { lockId: string },
  caller: CheckoutCustomerCaller,
): Promise<{ released: boolean }> {
  const lock = await findLock(getDb(), input.lockId);
  if (!lock || lock.customerId !== caller.customer.id) throw new NotFoundError("No such lock.");
  // Postgres first: once the row is RELEASED, neither gate counts it, and it cannot be redeemed.
  const released = await closeLock(getDb(), lock.id, "RELEASED");
  if (released) await gateNow().release({ id: lock.id, couponIds: couponIdsOf(lock.items) });
  return { released };
}
