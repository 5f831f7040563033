import { getDb } from "@/server/db/client";
import { findOrder, markOrderFailed, replaceOrderLock } from "@/server/db/queries/orders";
import type { Cart } from "@/server/domain/schemas";
import { CheckoutRejectedError, ConflictError, NotFoundError } from "./errors";
import { lockCheckout } from "./lock-checkout";
import { toOrderView, type OrderView } from "./order-view";
import type { CheckoutCustomerCaller } from "./validate-checkout";

/**
 * After the hold on a pending order's codes expired: lock the same codes on the same cart again.
 * Keyed by the hold it replaces, so a double click makes one new lock. If a code can no longer
 * be taken (used up meanwhile), the order fails with the reason and nothing stays reserved.
 */
export async function holdOrderAgain(input: { orderId: string }, caller: CheckoutCustomerCaller): Promise<OrderView> {
  const order = await findOrder(getDb(), input.orderId);
  if (!order || order.customerId !== caller.customer.id) throw new NotFoundError("No such order.");
  if (order.state !== "pending") throw new ConflictError(`This order is ${order.state}; there is nothing to hold.`);
  if (!order.lockId) return toOrderView(order);
  if (order.lockExpiresAt && order.lockExpiresAt.getTime() > Date.now()) return toOrderView(order);

  const cart: Cart = {
    currency: order.currency,
    items: (order.items as Array<{ productId: string; categoryId: string; unitPrice: number; quantity: number }>).map(
      (l) => ({ productId: l.productId, categoryIds: [l.categoryId], unitPrice: l.unitPrice, quantity: l.quantity }),
    ),
    shipping: order.shipping,
    channel: "web",
  };
  try {
    const locked = await lockCheckout(
      { codes: order.codes, cart, idempotencyKey: `order:${order.id}:rehold:${order.lockId}` },
      caller,
    );
    const updated = await replaceOrderLock(getDb(), order.id, order.lockId, {
      lockId: locked.lockId,
      lockExpiresAt: new Date(locked.expiresAt),
    });
    return toOrderView(updated ?? (await findOrder(getDb(), order.id))!);
  } catch (error) {
    if (error instanceof CheckoutRejectedError) await markOrderFailed(getDb(), order.id, error.message);
    throw error;
  }
}
