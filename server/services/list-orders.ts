import { getDb } from "@/server/db/client";
import { listCustomerOrders } from "@/server/db/queries/orders";
import { toOrderView, type OrderView } from "./order-view";

const ORDER_HISTORY_LIMIT = 100;

/** The shopper's order history, newest first. */
export async function listOrders(customerId: string): Promise<OrderView[]> {
  return (await listCustomerOrders(getDb(), customerId, ORDER_HISTORY_LIMIT)).map(toOrderView);
}
