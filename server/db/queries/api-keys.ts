import { and, desc, eq, gt, isNull, or, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { apiKeys, type ApiKeyRow } from "../schema";

export type NewApiKey = typeof apiKeys.$inferInsert;

export async function insertApiKey(db: Executor, values: NewApiKey): Promise<ApiKeyRow> {
  const [row] = await db.insert(apiKeys).values(values).returning();
  if (!row) throw new Error("insert into api_keys returned nothing");
  return row;
}

/** The key with this hash if it is live now (not revoked, not past its expiry), on the database clock. */
export async function findLiveApiKeyByHash(db: Executor, secretHash: Buffer): Promise<ApiKeyRow | undefined> {
  const [row] = await db
    .select()
    .from(apiKeys)
    .where(
      and(
        eq(apiKeys.secretHash, secretHash),
        isNull(apiKeys.revokedAt),
        or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, sql`now()`)),
      ),
    );
  return row;
}

/** For a change: the row, locked until the transaction ends (two rotations of one key run one after the other). */
export async function findApiKeyForUpdate(db: Executor, id: string): Promise<ApiKeyRow | undefined> {
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, id)).for("update");
  return row;
}

/** Every key, newest first (a console list: a few hundred keys at most). */
export async function listApiKeyRows(db: Executor): Promise<ApiKeyRow[]> {
  return db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id)).limit(1000);
}

export async function revokeApiKeyRow(db: Executor, id: string, revokedBy: string | null): Promise<ApiKeyRow> {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: sql`now()`, revokedBy })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning();
  if (!row) throw new Error("api key to revoke vanished");
  return row;
}

/** Ends a key at `expiresAt` (or sooner if it already ended sooner). */
export async function expireApiKeyAt(db: Executor, id: string, expiresAt: Date): Promise<ApiKeyRow> {
  const [row] = await db
    .update(apiKeys)
    .set({
      expiresAt: sql`least(coalesce(${apiKeys.expiresAt}, 'infinity'::timestamptz), ${expiresAt.toISOString()}::timestamptz)`,
    })
    .where(eq(apiKeys.id, id))
    .returning();
  if (!row) throw new Error("api key to expire vanished");
  return row;
}

/** Records a use, at most once a minute per key: a busy key costs one small UPDATE a minute, not one per call. */
export async function touchApiKey(db: Executor, id: string): Promise<void> {
  await db
    .update(apiKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(
      and(eq(apiKeys.id, id), or(isNull(apiKeys.lastUsedAt), sql`${apiKeys.lastUsedAt} < now() - interval '1 minute'`)),
    );
}
