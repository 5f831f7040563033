import type { CheckoutCustomer } from "./read-order-history";

/**
 * The customer a demo-checkout session is: id and email from the session; previousOrders from its paid
 * orders, counted when a quote needs it (readOrderHistory, so first-order coupons work). Nothing about
 * the customer comes from the browser.
 */
export async function resolveShopper(
  user: { id?: string | null; email?: string | null } | null | undefined,
): Promise<CheckoutCustomer | null> {
  if (!user?.id) return null;
  return { id: user.id, email: user.email ?? undefined, orderHistory: "paid-orders" };
}
