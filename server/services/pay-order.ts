import { getDb } from "@/server/db/client";
import { findLock } from "@/server/db/queries/gate-records";
import { findOrder, markOrderFailed, markOrderPaid } from "@/server/db/queries/orders";
import { CheckoutRejectedError, ConflictError, DomainError, NotFoundError } from "./errors";
import { toOrderView, type OrderView } from "./order-view";
import { redeemCheckout } from "./redeem-checkout";
import type { CheckoutCustomerCaller } from "./validate-checkout";
import { unlockCheckout } from "./unlock-checkout";

export type PaymentOutcome = "approve" | "decline";

export const HOLD_EXPIRED_MESSAGE =
  "The hold on your codes ended before the payment was approved. Hold them again and retry the payment.";

/**
 * The simulated payment provider's answer for a pending order.
 * approve: the order's lock becomes redemptions, under a key derived from the order and its lock, so a
 * double click, a reload or a retry redeems once; then the order is paid.
 * decline: the lock is released (the codes are free again) and the order failed.
 * An order already paid or failed answers as it is (a late or repeated answer changes nothing).
 */
export async function payOrder(
  input: { orderId: string; outcome: PaymentOutcome },
  caller: CheckoutCustomerCaller,
): Promise<OrderView> {
  const order = await findOrder(getDb(), input.orderId);
  if (!order || order.customerId !== caller.customer.id) throw new NotFoundError("No such order.");
  if (order.state === "paid") return toOrderView(order);
  if (order.state === "failed") {
    if (input.outcome === "decline") return toOrderView(order);
    throw new ConflictError("This order's payment failed; place the order again.");
  }

  if (input.outcome === "decline") {
    if (order.lockId) {
      const { released } = await unlockCheckout({ lockId: order.lockId }, caller);
      // An approval that came first already turned the lock into redemptions: that answer stands.
      if (!released && (await findLock(getDb(), order.lockId))?.status === "REDEEMED")
        return toOrderView((await findOrder(getDb(), order.id))!);
    }
    const failed = await markOrderFailed(getDb(), order.id, "The payment was declined.");
    return toOrderView(failed ?? (await findOrder(getDb(), order.id))!);
  }

  let redemptions: unknown = [];
  if (order.lockId) {
    try {
      const redeemed = await redeemCheckout(
        { lockId: order.lockId, orderId: order.id, idempotencyKey: `order:${order.id}:redeem:${order.lockId}` },
        caller,
      );
      redemptions = redeemed.redemptions;
    } catch (error) {
      // The lock ended (expired, or released by a decline that came first): the order stays as it is.
      if (error instanceof CheckoutRejectedError && error.rejected.every((r) => r.reason === "EXPIRED")) {
        const now = await findOrder(getDb(), order.id);
        if (now && now.state !== "pending") return toOrderView(now);
        throw new DomainError("EXPIRED", HOLD_EXPIRED_MESSAGE, { orderId: order.id });
      }
      throw error;
    }
  }
  const paid = await markOrderPaid(getDb(), order.id, redemptions);
  return toOrderView(paid ?? (await findOrder(getDb(), order.id))!);
}
