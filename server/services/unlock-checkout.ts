import { getDb } from "@/server/db/client";
import { closeLock, findLock } from "@/server/db/queries/gate-records";
import { currentGateMode, reportRedisFailure } from "@/server/redis/circuit-breaker";
import { getRedis } from "@/server/redis/client";
import { releaseLock } from "@/server/redis/gate";
import { NotFoundError } from "./errors";
import type { CheckoutCustomerCaller } from "./reserve-checkout";

/** checkout.unlock: gives a live lock's reservations back; false if it was not live. */
export async function unlockCheckout(
  input: { lockId: string },
  caller: CheckoutCustomerCaller,
): Promise<{ released: boolean }> {
  const lock = await findLock(getDb(), input.lockId);
  if (!lock || lock.customerId !== caller.customer.id) throw new NotFoundError("No such lock.");
  const couponIds = [...new Set(lock.items.map((i) => i.couponId))];
  // Postgres first: once the row is RELEASED, neither gate counts it, and it cannot be redeemed.
  const released = await closeLock(getDb(), lock.id, "RELEASED");
  const redis = getRedis();
  if (released && redis && currentGateMode().kind === "redis") {
    await releaseLock(redis, { lockId: lock.id, couponIds }).catch(reportRedisFailure);
  }
  return { released };
}
