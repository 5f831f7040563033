import { getDb } from "@/server/db/client";
import { findWebhookEndpoint, listDeliveriesOfEndpoint } from "@/server/db/queries/webhooks";
import { NotFoundError } from "../errors";

/** admin.webhooks.deliveries: an endpoint's newest deliveries, each with every attempt (the delivery log). */
export async function listWebhookDeliveries(input: { endpointId: string; limit: number }) {
  const db = getDb();
  if (!(await findWebhookEndpoint(db, input.endpointId))) throw new NotFoundError("No webhook endpoint with this id.");
  return listDeliveriesOfEndpoint(db, input.endpointId, input.limit);
}
