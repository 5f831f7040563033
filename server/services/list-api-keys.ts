import { getDb } from "@/server/db/client";
import { listApiKeyRows } from "@/server/db/queries/api-keys";
import type { ApiKeyRow } from "@/server/db/schema";

export type ApiKeyState = "active" | "expiring" | "expired" | "revoked";

/** A key as the console and the audit log show it: never its secret or hash. */
export type ApiKeyView = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  channel: ApiKeyRow["channel"];
  state: ApiKeyState;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  rotatedFromId: string | null;
};

export function toApiKeyView(row: ApiKeyRow, now = new Date()): ApiKeyView {
  const state: ApiKeyState = row.revokedAt
    ? "revoked"
    : row.expiresAt && row.expiresAt <= now
      ? "expired"
      : row.expiresAt
        ? "expiring"
        : "active";
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    channel: row.channel,
    state,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
    lastUsedAt: row.lastUsedAt,
    rotatedFromId: row.rotatedFromId,
  };
}

/** admin.apiKeys.list: every key, newest first, with its state. */
export async function listApiKeys(): Promise<ApiKeyView[]> {
  const now = new Date();
  return (await listApiKeyRows(getDb())).map((row) => toApiKeyView(row, now));
}
