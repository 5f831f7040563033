import { createBatcher } from "@/server/batching";
import { getDb } from "@/server/db/client";
import { countPaidOrders } from "@/server/db/queries/orders";
import type { Customer } from "@/server/domain/schemas";

// Concurrent checkout calls count their shoppers' paid orders in one statement.
const paidOrdersOf = createBatcher(async (customerIds: readonly string[]) => {
  const counts = await countPaidOrders(getDb(), customerIds);
  return customerIds.map((id) => counts.get(id) ?? 0);
});

/**
 * The customer a demo-checkout session is: id and email from the session, previousOrders from
 * its paid orders (so first-order coupons work). Nothing about the customer comes from the browser.
 */
export async function resolveShopper(
  user: { id?: string | null; email?: string | null } | null | undefined,
): Promise<Customer | null> {
  if (!user?.id) return null;
  return { id: user.id, email: user.email ?? undefined, previousOrders: await paidOrdersOf(user.id) };
}
