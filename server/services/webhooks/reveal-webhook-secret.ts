import { decryptCode } from "@/server/crypto/code-secrets";
import { getDb } from "@/server/db/client";
import { findWebhookEndpoint } from "@/server/db/queries/webhooks";
import { NotFoundError } from "../errors";
import { runAdminMutation, type AdminActor } from "../run-admin-mutation";

/** admin.webhooks.revealSecret (admins only): the endpoint's signing secret; who saw it is audited. */
export async function revealWebhookSecret(input: { id: string }, actor: AdminActor): Promise<{ secret: string }> {
  const row = await findWebhookEndpoint(getDb(), input.id);
  if (!row) throw new NotFoundError("No webhook endpoint with this id.");
  await runAdminMutation({ actor, operation: "admin.webhooks.revealSecret", payload: input }, (_tx, audit) =>
    audit({
      action: "webhook_endpoint.reveal_secret",
      targetType: "webhook_endpoint",
      targetId: row.id,
      before: null,
      after: null,
    }),
  );
  return { secret: decryptCode(row.secretEncrypted) };
}
