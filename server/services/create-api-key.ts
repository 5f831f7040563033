import { generateApiKey } from "@/server/crypto/api-key-secrets";
import { insertApiKey } from "@/server/db/queries/api-keys";
import type { CreateApiKeyInput } from "@/server/domain/api-key-inputs";
import { toApiKeyView, type ApiKeyView } from "./list-api-keys";
import { runAdminMutation, type AdminActor } from "./run-admin-mutation";

/**
 * admin.apiKeys.create: a new key. The secret is in this answer only; the database keeps its keyed
 * hash, and the audit entry names the key by id and prefix.
 */
export async function createApiKey(
  input: CreateApiKeyInput,
  actor: AdminActor,
): Promise<{ key: ApiKeyView; secret: string }> {
  const generated = generateApiKey();
  return runAdminMutation({ actor, operation: "apiKeys.create", payload: input }, async (tx, audit) => {
    const row = await insertApiKey(tx, {
      name: input.name,
      scopes: input.scopes,
      channel: input.channel,
      prefix: generated.prefix,
      secretHash: generated.secretHash,
      createdBy: actor.userId,
    });
    const key = toApiKeyView(row);
    await audit({ action: "api_key.create", targetType: "api_key", targetId: row.id, before: null, after: key });
    return { key, secret: generated.secret };
  });
}
