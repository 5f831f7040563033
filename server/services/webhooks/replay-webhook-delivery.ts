import { findDelivery, findWebhookEndpoint, resetDeliveryForReplay } from "@/server/db/queries/webhooks";
import { InvalidInputError, NotFoundError } from "../errors";
import { runAdminMutation, type AdminActor } from "../run-admin-mutation";
import { enqueueWebhookDeliveries } from "./enqueue-webhook-deliveries";

/**
 * admin.webhooks.replay: sends a delivery again (whatever its state), with the same webhook-id and
 * body, retried like a first delivery. The endpoint must be enabled. Audited.
 */
export async function replayWebhookDelivery(input: { deliveryId: string }, actor: AdminActor): Promise<{ id: string }> {
  await runAdminMutation({ actor, operation: "admin.webhooks.replay", payload: input }, async (tx, audit) => {
    const delivery = await findDelivery(tx, input.deliveryId);
    if (!delivery) throw new NotFoundError("No webhook delivery with this id.");
    const endpoint = await findWebhookEndpoint(tx, delivery.endpointId);
    if (!endpoint) throw new NotFoundError("No webhook delivery with this id.");
    if (!endpoint.enabled) throw new InvalidInputError("This endpoint is disabled: enable it first, then replay.");
    await resetDeliveryForReplay(tx, delivery.id);
    await audit({
      action: "webhook_delivery.replay",
      targetType: "webhook_endpoint",
      targetId: endpoint.id,
      before: { deliveryId: delivery.id, status: delivery.status, attempts: delivery.attempts },
      after: { deliveryId: delivery.id, status: "PENDING" },
    });
  });
  await enqueueWebhookDeliveries([input.deliveryId], { replay: true });
  return { id: input.deliveryId };
}
