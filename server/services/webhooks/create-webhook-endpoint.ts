import { randomBytes } from "node:crypto";
import { encryptCode } from "@/server/crypto/code-secrets";
import { insertWebhookEndpoint } from "@/server/db/queries/webhooks";
import type { CreateWebhookEndpointInput } from "@/server/domain/webhook-inputs";
import { runAdminMutation, type AdminActor } from "../run-admin-mutation";
import { mapWebhookEndpoint, type WebhookEndpointView } from "./map-webhook-endpoint";

/**
 * admin.webhooks.create: the endpoint with a new Standard Webhooks secret (whsec_ + 24 random bytes,
 * base64), stored encrypted; the secret is in this answer (shown once; admins can reveal it later).
 */
export async function createWebhookEndpoint(
  input: CreateWebhookEndpointInput,
  actor: AdminActor,
): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
  const secret = `whsec_${randomBytes(24).toString("base64")}`;
  const endpoint = await runAdminMutation(
    { actor, operation: "admin.webhooks.create", payload: input },
    async (tx, audit) => {
      const row = await insertWebhookEndpoint(tx, {
        url: input.url,
        description: input.description,
        eventTypes: input.eventTypes,
        enabled: input.enabled,
        secretEncrypted: encryptCode(secret),
        createdBy: actor.userId,
      });
      const view = mapWebhookEndpoint(row);
      await audit({
        action: "webhook_endpoint.create",
        targetType: "webhook_endpoint",
        targetId: row.id,
        before: null,
        after: view,
      });
      return view;
    },
  );
  return { endpoint, secret };
}
