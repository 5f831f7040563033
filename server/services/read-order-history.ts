import { createBatcher } from "@/server/batching";
import { getDb } from "@/server/db/client";
import { countPaidOrders } from "@/server/db/queries/orders";
import type { Customer } from "@/server/domain/schemas";

/**
 * A checkout's customer. `orderHistory: "paid-orders"` (a signed-in shopper): previousOrders is not
 * taken from anyone but counted from the shopper's paid orders, and only when a quote needs it.
 */
export type CheckoutCustomer = Customer & { orderHistory?: "paid-orders" };

// Concurrent quotes that need it count their shoppers' paid orders in one statement.
const paidOrdersOf = createBatcher(async (customerIds: readonly string[]) => {
  const counts = await countPaidOrders(getDb(), customerIds);
  return customerIds.map((id) => counts.get(id) ?? 0);
});

/**
 * The customer as the discount engine sees it. A shopper's previousOrders is read from Postgres only
 * when one of the quoted coupons is first-order-only (the one rule that reads it); otherwise it stays
 * unknown, which that rule would refuse (fails closed) and no other rule reads. So a checkout without a
 * first-order coupon costs no order query.
 */
export async function readOrderHistory(customer: CheckoutCustomer | null, needed: boolean): Promise<Customer | null> {
  if (!customer || customer.orderHistory !== "paid-orders") return customer;
  const { orderHistory: _, ...known } = customer;
  if (!needed) return known;
  return { ...known, previousOrders: await paidOrdersOf(customer.id) };
}
