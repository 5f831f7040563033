import { deleteWebhookEndpointRow } from "@/server/db/queries/webhooks";
import { NotFoundError } from "../errors";
import { runAdminMutation, type AdminActor } from "../run-admin-mutation";
import { mapWebhookEndpoint } from "./map-webhook-endpoint";

/** admin.webhooks.delete: the endpoint and its delivery log go; pending deliveries to it are dropped. Audited. */
export async function deleteWebhookEndpoint(input: { id: string }, actor: AdminActor): Promise<{ id: string }> {
  return runAdminMutation({ actor, operation: "admin.webhooks.delete", payload: input }, async (tx, audit) => {
    const deleted = await deleteWebhookEndpointRow(tx, input.id);
    if (!deleted) throw new NotFoundError("No webhook endpoint with this id.");
    await audit({
      action: "webhook_endpoint.delete",
      targetType: "webhook_endpoint",
      targetId: input.id,
      before: mapWebhookEndpoint(deleted),
      after: null,
    });
    return { id: input.id };
  });
}
