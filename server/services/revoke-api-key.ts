import { findApiKeyForUpdate, revokeApiKeyRow } from "@/server/db/queries/api-keys";
import { NotFoundError } from "./errors";
import { toApiKeyView, type ApiKeyView } from "./list-api-keys";
import { runAdminMutation, type AdminActor } from "./run-admin-mutation";

/** admin.apiKeys.revoke: the key stops working at once (every process looks keys up live). Revoking twice is a no-op. */
export async function revokeApiKey(input: { id: string }, actor: AdminActor): Promise<ApiKeyView> {
  return runAdminMutation({ actor, operation: "apiKeys.revoke", payload: input }, async (tx, audit) => {
    const row = await findApiKeyForUpdate(tx, input.id);
    if (!row) throw new NotFoundError("No such API key.");
    if (row.revokedAt) return toApiKeyView(row);
    const revoked = await revokeApiKeyRow(tx, row.id, actor.userId);
    await audit({
      action: "api_key.revoke",
      targetType: "api_key",
      targetId: row.id,
      before: toApiKeyView(row),
      after: toApiKeyView(revoked),
    });
    return toApiKeyView(revoked);
  });
}
