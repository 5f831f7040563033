import { insertEvent } from "@/server/db/queries/events";
import { findWebhookEndpoint, insertDelivery } from "@/server/db/queries/webhooks";
import { WEBHOOK_TEST_EVENT_TYPE } from "@/server/domain/webhook-events";
import { InvalidInputError, NotFoundError } from "../errors";
import { runAdminMutation, type AdminActor } from "../run-admin-mutation";
import { enqueueWebhookDeliveries } from "./enqueue-webhook-deliveries";

/**
 * admin.webhooks.sendTest: a webhook.test event delivered to this endpoint only (whatever it subscribes
 * to), through the same queue, signature and log as real events.
 */
export async function sendTestWebhookEvent(
  input: { id: string },
  actor: AdminActor,
): Promise<{ eventId: string; deliveryId: string }> {
  const sent = await runAdminMutation({ actor, operation: "admin.webhooks.sendTest", payload: input }, async (tx) => {
    const endpoint = await findWebhookEndpoint(tx, input.id);
    if (!endpoint) throw new NotFoundError("No webhook endpoint with this id.");
    if (!endpoint.enabled) throw new InvalidInputError("This endpoint is disabled: enable it first.");
    // Already dispatched: the fan-out never sends a test event to other endpoints.
    const eventId = await insertEvent(tx, {
      type: WEBHOOK_TEST_EVENT_TYPE,
      data: { endpointId: endpoint.id, sentBy: actor.email ?? null },
      dispatched: true,
    });
    const delivery = await insertDelivery(tx, { eventId, endpointId: endpoint.id });
    return { eventId, deliveryId: delivery.id };
  });
  // Not enqueued here (e.g. pg-boss down): the dispatcher enqueues it on its next run.
  await enqueueWebhookDeliveries([sent.deliveryId]).catch((error) => console.error("[webhooks] test event:", error));
  return sent;
}
