import { findWebhookEndpoint, updateWebhookEndpointRow } from "@/server/db/queries/webhooks";
import type { UpdateWebhookEndpointInput } from "@/server/domain/webhook-inputs";
import { NotFoundError } from "../errors";
import { runAdminMutation, type AdminActor } from "../run-admin-mutation";
import { mapWebhookEndpoint, type WebhookEndpointView } from "./map-webhook-endpoint";

/** admin.webhooks.update: URL, description, events, enabled; enabling clears an auto-disable notice. Audited. */
export async function updateWebhookEndpoint(
  input: UpdateWebhookEndpointInput,
  actor: AdminActor,
): Promise<WebhookEndpointView> {
  const { id, ...patch } = input;
  return runAdminMutation({ actor, operation: "admin.webhooks.update", payload: input }, async (tx, audit) => {
    const current = await findWebhookEndpoint(tx, id, { forUpdate: true });
    if (!current) throw new NotFoundError("No webhook endpoint with this id.");
    const updated = await updateWebhookEndpointRow(tx, id, patch);
    if (!updated) throw new NotFoundError("No webhook endpoint with this id.");
    const after = mapWebhookEndpoint(updated);
    await audit({
      action: "webhook_endpoint.update",
      targetType: "webhook_endpoint",
      targetId: id,
      before: mapWebhookEndpoint(current),
      after,
    });
    return after;
  });
}
