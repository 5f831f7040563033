import { API_KEY_PREFIX, hashApiKey } from "@/server/crypto/api-key-secrets";
import { getDb } from "@/server/db/client";
import { findLiveApiKeyByHash, touchApiKey } from "@/server/db/queries/api-keys";
import type { ApiKeyRow } from "@/server/db/schema";

/** Who calls with an API key: what the key may do and the channel its checkouts are on. */
export type ApiKeyPrincipal = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  channel: ApiKeyRow["channel"];
};

const MAX_KEY_LENGTH = 200;
const TOUCH_EVERY_MS = 60_000;
// When this process last recorded a key's use: skips the UPDATE for a minute (the query holds the same rule across processes).
const touchedAt = new Map<string, number>();

/**
 * The live key this secret is, or null (unknown, revoked, expired, malformed). Looked up on every
 * call, so a revocation or the end of a rotation's grace takes effect at once in every process.
 */
export async function authenticateApiKey(secret: string, now = Date.now()): Promise<ApiKeyPrincipal | null> {
  if (!secret.startsWith(API_KEY_PREFIX) || secret.length > MAX_KEY_LENGTH) return null;
  const row = await findLiveApiKeyByHash(getDb(), hashApiKey(secret));
  if (!row) return null;
  if ((touchedAt.get(row.id) ?? 0) <= now - TOUCH_EVERY_MS) {
    touchedAt.set(row.id, now);
    if (touchedAt.size > 10_000) touchedAt.clear();
    // Not awaited into the answer's path: a lost last-used time is not worth failing a checkout.
    void touchApiKey(getDb(), row.id).catch((error: unknown) =>
      console.error("[api-keys] last-used update failed", error),
    );
  }
  return { id: row.id, name: row.name, prefix: row.prefix, scopes: row.scopes, channel: row.channel };
}
