import { getDb } from "@/server/db/client";
import { findOrderByKey, insertOrderOnce } from "@/server/db/queries/orders";
import type { OrderRow } from "@/server/db/schema";
import type { Quote } from "@/server/domain/schemas";
import type { ShippingMethod } from "@/server/domain/shipping";
import { IdempotencyMismatchError } from "./errors";
import { lockCheckout } from "./lock-checkout";
import { toOrderView, type OrderView } from "./order-view";
import { priceCart } from "./price-cart";
import type { CheckoutCustomerCaller } from "./validate-checkout";
import { hashRequest } from "./run-idempotent";
import { validateCheckout } from "./validate-checkout";

export type PlaceOrderInput = {
  items: Array<{ productId: string; quantity: number }>;
  shippingMethod: ShippingMethod;
  codes: string[];
  idempotencyKey: string;
};

/**
 * Starts paying: prices the cart on the server, locks the codes (all or nothing: a refused code
 * creates no order and reserves nothing) and records a pending order holding that lock.
 * Once per idempotency key: a retry (double click, reload) gets the same order and the same lock.
 */
export async function placeOrder(input: PlaceOrderInput, caller: CheckoutCustomerCaller): Promise<OrderView> {
  const customerId = caller.customer.id;
  const requestHash = hashRequest({ items: input.items, shippingMethod: input.shippingMethod, codes: input.codes });
  const existing = await findOrderByKey(getDb(), customerId, input.idempotencyKey);
  if (existing) return sameRequest(existing, requestHash);

  const { cart, lines } = await priceCart(input);
  let quote: Quote;
  let lock: { lockId: string; expiresAt: Date } | null = null;
  if (input.codes.length > 0) {
    // The lock's own idempotency key derives from the order's: a retry finds the same lock.
    const locked = await lockCheckout(
      { codes: input.codes, cart, idempotencyKey: `order:${input.idempotencyKey}` },
      caller,
    );
    quote = locked.quote;
    lock = { lockId: locked.lockId, expiresAt: new Date(locked.expiresAt) };
  } else {
    quote = await validateCheckout({ codes: [], cart }, caller);
  }

  const { order, created } = await insertOrderOnce(getDb(), {
    customerId,
    channel: cart.channel ?? "web",
    currency: cart.currency,
    items: lines,
    shippingMethod: input.shippingMethod,
    subtotal: quote.subtotal,
    shipping: quote.shipping,
    discountTotal: quote.discountTotal,
    shippingDiscount: quote.shippingDiscount,
    total: quote.total,
    codes: quote.applied.map((a) => a.code),
    quote,
    lockId: lock?.lockId ?? null,
    lockExpiresAt: lock?.expiresAt ?? null,
    idempotencyKey: input.idempotencyKey,
    requestHash,
  });
  return created ? toOrderView(order) : sameRequest(order, requestHash);
}

function sameRequest(order: OrderRow, requestHash: string): OrderView {
  if (order.requestHash !== requestHash)
    throw new IdempotencyMismatchError("This idempotency key was already used to place a different order.");
  return toOrderView(order);
}
