import { getDb } from "@/server/db/client";
import { listWebhookEndpoints as listRows } from "@/server/db/queries/webhooks";
import { mapWebhookEndpoint, type WebhookEndpointView } from "./map-webhook-endpoint";

/** admin.webhooks.list: every endpoint, newest first, without secrets (an auto-disabled one has its notice). */
export async function listWebhookEndpoints(): Promise<WebhookEndpointView[]> {
  return (await listRows(getDb())).map(mapWebhookEndpoint);
}
