import { generateApiKey } from "@/server/crypto/api-key-secrets";
import { expireApiKeyAt, findApiKeyForUpdate, insertApiKey } from "@/server/db/queries/api-keys";
import type { RotateApiKeyInput } from "@/server/domain/api-key-inputs";
import { InvalidInputError, NotFoundError } from "./errors";
import { toApiKeyView, type ApiKeyView } from "./list-api-keys";
import { runAdminMutation, type AdminActor } from "./run-admin-mutation";

const HOUR_MS = 3_600_000;

/**
 * admin.apiKeys.rotate: a new key with the same name, scopes and channel; the old one keeps working
 * until the grace period ends (both are live meanwhile), so clients can switch without downtime.
 */
export async function rotateApiKey(
  input: RotateApiKeyInput,
  actor: AdminActor,
  now = new Date(),
): Promise<{ key: ApiKeyView; previous: ApiKeyView; secret: string }> {
  const generated = generateApiKey();
  return runAdminMutation({ actor, operation: "apiKeys.rotate", payload: input }, async (tx, audit) => {
    const old = await findApiKeyForUpdate(tx, input.id);
    if (!old) throw new NotFoundError("No such API key.");
    const before = toApiKeyView(old, now);
    if (before.state === "revoked" || before.state === "expired")
      throw new InvalidInputError("This key no longer works; create a new one instead of rotating it.");
    const row = await insertApiKey(tx, {
      name: old.name,
      scopes: old.scopes,
      channel: old.channel,
      prefix: generated.prefix,
      secretHash: generated.secretHash,
      createdBy: actor.userId,
      rotatedFromId: old.id,
    });
    const ended = await expireApiKeyAt(tx, old.id, new Date(now.getTime() + input.graceHours * HOUR_MS));
    const key = toApiKeyView(row, now);
    const previous = toApiKeyView(ended, now);
    await audit({
      action: "api_key.rotate",
      targetType: "api_key",
      targetId: old.id,
      before,
      after: { previous, replacement: key },
    });
    return { key, previous, secret: generated.secret };
  });
}
