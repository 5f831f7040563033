import { and, eq, lt, sql } from "drizzle-orm";
import { executePrepared, type Executor } from "../client";
import { idempotencyKeys } from "../schema";

export type IdempotencyRow = typeof idempotencyKeys.$inferSelect;
type KeyRef = { scope: string; key: string };
/** A key and the token of the owner acting on it: complete and release touch the row only while it is theirs. */
export type OwnedKeyRef = KeyRef & { ownerToken: string };

/**
 * Many claims in one statement: true for each key this call inserted. A key
 * asked for twice in one call is claimed by its first occurrence only.
 */
export async function claimIdempotencyKeys(
  db: Executor,
  inputs: ReadonlyArray<OwnedKeyRef & { operation: string; requestHash: string; ttlHours: number }>,
): Promise<boolean[]> {
  if (inputs.length === 0) return [];
  // Rows in key order: two concurrent claims of overlapping keys then wait on each other, never deadlock.
  const ordered = [...inputs].sort((a, b) => (a.scope === b.scope ? compare(a.key, b.key) : compare(a.scope, b.scope)));
  // Columns as arrays (unnest): one statement text whatever the batch size (prepared once per connection).
  const column = <T>(pick: (input: (typeof ordered)[number]) => T) => sql.param(ordered.map(pick));
  // Committed without waiting for the WAL flush (synchronous_commit off for this statement's own
  // transaction only: set_config(..., true) ends with it). Safe because nothing is promised on a claim
  // alone: every effect it leads to (a redemption, a lock, a stored refusal) is written by a later,
  // synchronous transaction that checks this row and its owner token, and that transaction's flush
  // covers the claim too (the WAL is one sequence). A claim lost in a Postgres crash is a claim whose
  // request had not been answered: its effect finds no row and is refused, and a retry claims again.
  // It saves one WAL flush wait per batch of claims on the checkout path.
  const rows = await executePrepared<{ scope: string; key: string }>(
    db,
    sql`
    insert into idempotency_keys (scope, key, operation, request_hash, owner_token, expires_at)
    select scope, key, operation, request_hash, owner_token, now() + make_interval(hours => ttl_hours)
    from unnest(${column((i) => i.scope)}::text[], ${column((i) => i.key)}::text[], ${column((i) => i.operation)}::text[],
      ${column((i) => i.requestHash)}::text[], ${column((i) => i.ownerToken)}::uuid[], ${column((i) => i.ttlHours)}::int[])
      with ordinality as u(scope, key, operation, request_hash, owner_token, ttl_hours, n)
    where set_config('synchronous_commit', 'off', true) is not null
    order by n
    on conflict do nothing
    returning scope, key`,
  );
  const claimed = new Set(rows.map((row) => JSON.stringify([row.scope, row.key])));
  return inputs.map((input) => claimed.delete(JSON.stringify([input.scope, input.key])));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export async function readIdempotencyKey(db: Executor, ref: KeyRef): Promise<IdempotencyRow | undefined> {
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.scope, ref.scope), eq(idempotencyKeys.key, ref.key)))
    .limit(1);
  return row;
}

/**
 * Stores the answer, if the key is still this owner's (a takeover gave it a new token): false when it
 * is not, and then nothing changed.
 */
export async function completeIdempotencyKey(db: Executor, ref: OwnedKeyRef, response: unknown): Promise<boolean> {
  const rows = await db
    .update(idempotencyKeys)
    .set({ status: "DONE", response })
    .where(
      and(
        eq(idempotencyKeys.scope, ref.scope),
        eq(idempotencyKeys.key, ref.key),
        eq(idempotencyKeys.ownerToken, ref.ownerToken),
        eq(idempotencyKeys.status, "IN_PROGRESS"),
      ),
    )
    .returning({ key: idempotencyKeys.key });
  return rows.length === 1;
}

/** An unexpected failure (nothing was done): the key is freed so a retry runs again, unless another owner took it over. */
export async function releaseIdempotencyKey(db: Executor, ref: OwnedKeyRef): Promise<void> {
  await db
    .delete(idempotencyKeys)
    .where(
      and(
        eq(idempotencyKeys.scope, ref.scope),
        eq(idempotencyKeys.key, ref.key),
        eq(idempotencyKeys.ownerToken, ref.ownerToken),
        eq(idempotencyKeys.status, "IN_PROGRESS"),
      ),
    );
}

/**
 * A key left IN_PROGRESS by a crashed process is taken over after staleSeconds, under the new owner's
 * token: the presumed-dead owner may still be alive, and its answer must then change nothing.
 */
export async function takeOverStaleKey(db: Executor, ref: OwnedKeyRef & { staleSeconds: number }): Promise<boolean> {
  const rows = await db
    .update(idempotencyKeys)
    .set({ createdAt: sql`now()`, ownerToken: ref.ownerToken })
    .where(
      and(
        eq(idempotencyKeys.scope, ref.scope),
        eq(idempotencyKeys.key, ref.key),
        eq(idempotencyKeys.status, "IN_PROGRESS"),
        lt(idempotencyKeys.createdAt, sql`now() - make_interval(secs => ${ref.staleSeconds})`),
      ),
    )
    .returning({ key: idempotencyKeys.key });
  return rows.length === 1;
}

export async function deleteExpiredIdempotencyKeys(db: Executor): Promise<number> {
  const rows = await db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.expiresAt, sql`now()`))
    .returning({ key: idempotencyKeys.key });
  return rows.length;
}
