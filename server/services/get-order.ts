import { getDb } from "@/server/db/client";
import { findOrder } from "@/server/db/queries/orders";
import { NotFoundError } from "./errors";
import { toOrderView, type OrderView } from "./order-view";

/** One of the shopper's own orders (another's is "not found", not "forbidden"). */
export async function getOrder(input: { orderId: string }, customerId: string): Promise<OrderView> {
  const order = await findOrder(getDb(), input.orderId);
  if (!order || order.customerId !== customerId) throw new NotFoundError("No such order.");
  return toOrderView(order);
}
