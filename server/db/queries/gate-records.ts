import { and, eq, gt, inArray, sql } from "drizzle-orm";
import { openJson, sealJson } from "@/server/crypto/code-secrets";
import { executePrepared, type Executor, type SqlTarget } from "../client";
import { lockItems, locks, redemptions, type RedemptionRow } from "../schema";

export type NewLockItem = { codeId: string; couponId: string; amount: number };

/**
 * Postgres gate: serialises decisions per coupon with transaction-scoped advisory
 * locks, taken in id order so two carts sharing coupons cannot deadlock.
 */
export async function lockCouponsForDecision(tx: Executor, couponIds: string[]): Promise<void> {
  for (const id of [...new Set(couponIds)].sort()) {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${id}::text, 7001))`);
  }
}

export async function findLock(db: Executor, id: string) {
  const [lock] = await db.select().from(locks).where(eq(locks.id, id)).limit(1);
  if (!lock) return undefined;
  const items = await db.select().from(lockItems).where(eq(lockItems.lockId, id));
  return { ...lock, quote: openJson(lock.quote), items };
}

/**
 * Moves an ACTIVE lock to its next state; false if it was not ACTIVE (or, with requireUnexpired, past its
 * expiry by the clock now: clock_timestamp(), not the transaction's start, which may be long before).
 */
export async function closeLock(
  tx: Executor,
  id: string,
  status: "RELEASED" | "REDEEMED" | "EXPIRED",
  opts: { requireUnexpired?: boolean } = {},
): Promise<boolean> {
  const rows = await tx
    .update(locks)
    .set({ status, closedAt: sql`now()` })
    .where(
      and(
        eq(locks.id, id),
        eq(locks.status, "ACTIVE"),
        opts.requireUnexpired ? gt(locks.expiresAt, sql`clock_timestamp()`) : undefined,
      ),
    )
    .returning({ id: locks.id });
  return rows.length === 1;
}

/**
 * Sweeper: ACTIVE locks past their expiry become EXPIRED (their uses stopped counting at expiry already),
 * each with its lock.expired event in the outbox, in this one statement. The outer `status = 'ACTIVE'` is
 * rechecked on a row another sweeper (another instance) or a redeem changed meanwhile, so a lock expires,
 * and is announced, once.
 */
export async function expireStaleLocks(db: Executor, limit = 1_000): Promise<string[]> {
  const rows = await db.execute<{ id: string }>(sql`
    with x as (
      update locks set status = 'EXPIRED', closed_at = now()
      where status = 'ACTIVE'
        and id in (select id from locks where status = 'ACTIVE' and expires_at <= now() order by expires_at limit ${limit})
      returning id, customer_id, expires_at),
    e as (
      insert into events (type, data)
      select 'lock.expired', jsonb_build_object('lockId', x.id, 'customerId', x.customer_id, 'expiresAt', x.expires_at,
        'couponIds', (select coalesce(jsonb_agg(distinct li.coupon_id), '[]'::jsonb) from lock_items li where li.lock_id = x.id),
        'codeIds', (select coalesce(jsonb_agg(li.code_id), '[]'::jsonb) from lock_items li where li.lock_id = x.id))
      from x)
    select id from x`);
  return [...rows].map((r) => r.id);
}

export type NewRedemption = typeof redemptions.$inferInsert;

export async function findRedemptions(
  db: Executor,
  filter: { ids?: string[]; orderId?: string },
): Promise<RedemptionRow[]> {
  const conditions = [
    filter.ids ? inArray(redemptions.id, filter.ids) : undefined,
    filter.orderId ? eq(redemptions.orderId, filter.orderId) : undefined,
  ].filter(Boolean);
  if (conditions.length === 0) return [];
  return db
    .select()
    .from(redemptions)
    .where(and(...conditions));
}

/** Marks redemptions voided (once); returns the ones this call voided. */
export async function voidRedemptionRows(
  tx: Executor,
  ids: string[],
  input: { reason: string; restoreUses: boolean },
): Promise<RedemptionRow[]> {
  if (ids.length === 0) return [];
  return tx
    .update(redemptions)
    .set({ voidedAt: sql`now()`, voidReason: input.reason, usesRestored: input.restoreUses })
    .where(and(inArray(redemptions.id, ids), sql`${redemptions.voidedAt} is null`))
    .returning();
}

/** Counting redemptions and live locks of a coupon, as the rebuild and reconciliation see them. */
export async function readCouponGateSnapshot(db: Executor, couponId: string) {
  const [totals] = await db.execute<{ status: string; version: number; uses: number; spent: number }>(sql`
    -- The gate knows ACTIVE, DISABLED and ARCHIVED: a DRAFT is as unredeemable as a disabled coupon.
    select case when c.status = 'DRAFT' then 'DISABLED' else c.status::text end as status, c.version,
      (select count(*) from redemptions where coupon_id = c.id and not uses_restored)::int
        + (select count(*) from lock_items li join locks k on k.id = li.lock_id where li.coupon_id = c.id and k.status = 'ACTIVE' and k.expires_at > now())::int as uses,
      (coalesce((select sum(amount) from redemptions where coupon_id = c.id and not uses_restored), 0)
        + coalesce((select sum(li.amount) from lock_items li join locks k on k.id = li.lock_id where li.coupon_id = c.id and k.status = 'ACTIVE' and k.expires_at > now()), 0))::float8 as spent
    from coupons c where c.id = ${couponId}`);
  if (!totals) return undefined;
  const users = await db.execute<{ customerId: string; uses: number }>(sql`
    select customer_id as "customerId", count(*)::int as uses from (
      select customer_id from redemptions where coupon_id = ${couponId} and not uses_restored
      union all
      select li.customer_id from lock_items li join locks k on k.id = li.lock_id
      where li.coupon_id = ${couponId} and k.status = 'ACTIVE' and k.expires_at > now()) u
    group by customer_id`);
  const codes = await db.execute<{ codeId: string; used: number; locked: number }>(sql`
    select code_id as "codeId", count(*) filter (where not is_lock)::int as used, count(*) filter (where is_lock)::int as locked from (
      select code_id, false as is_lock from redemptions where coupon_id = ${couponId} and not uses_restored
      union all
      select li.code_id, true from lock_items li join locks k on k.id = li.lock_id
      where li.coupon_id = ${couponId} and k.status = 'ACTIVE' and k.expires_at > now()) u
    group by code_id`);
  const liveLocks = await db.execute<{
    lockId: string;
    customerId: string;
    codeId: string;
    amount: number;
    expiresAtMs: number;
  }>(sql`
    select li.lock_id as "lockId", li.customer_id as "customerId", li.code_id as "codeId", li.amount::float8 as amount,
      (extract(epoch from k.expires_at) * 1000)::float8 as "expiresAtMs"
    from lock_items li join locks k on k.id = li.lock_id
    where li.coupon_id = ${couponId} and k.status = 'ACTIVE' and k.expires_at > now()`);
  return { ...totals, users: [...users], codes: [...codes], locks: [...liveLocks] };
}

export async function logGateRepair(
  db: Executor,
  repair: { couponId: string | null; kind: string; detail: unknown },
): Promise<void> {
  await db.execute(
    sql`insert into gate_repairs (coupon_id, kind, detail) values (${repair.couponId}, ${repair.kind}, ${JSON.stringify(repair.detail)}::jsonb)`,
  );
}

/**
 * Recomputes the reporting counters of coupons that had redemptions made or
 * voided in the last `sinceSeconds` (all coupons when null), from the rows
 * themselves: correct however many runs were missed.
 */
export async function refreshCouponCounters(db: Executor, sinceSeconds: number | null): Promise<number> {
  const touched =
    sinceSeconds === null
      ? sql`select distinct coupon_id from redemptions`
      : sql`select coupon_id from redemptions where created_at > now() - make_interval(secs => ${sinceSeconds})
            union select coupon_id from redemptions where voided_at > now() - make_interval(secs => ${sinceSeconds})`;
  const rows = await db.execute<{ coupon_id: string }>(sql`
    insert into coupon_counters (coupon_id, redemptions, voided, discount_total, refreshed_at)
    select r.coupon_id,
      count(*) filter (where not r.uses_restored and r.voided_at is null)::int,
      count(*) filter (where r.voided_at is not null)::int,
      coalesce(sum(r.amount) filter (where r.voided_at is null), 0),
      now()
    from redemptions r where r.coupon_id in (${touched})
    group by r.coupon_id
    on conflict (coupon_id) do update set redemptions = excluded.redemptions, voided = excluded.voided,
      discount_total = excluded.discount_total, refreshed_at = excluded.refreshed_at
    returning coupon_id`);
  return rows.length;
}

/** The idempotent answer to store, under its owner's token (idempotency.ts: a taken-over key is no longer ours). */
export type AnswerRef = { scope: string; key: string; ownerToken: string; response: unknown };

/** The key was taken over (the owner was presumed dead): nothing of this call was written. */
export class IdempotencyKeyLostError extends Error {
  constructor() {
    super("the idempotency key was taken over by another request; nothing was written");
    this.name = "IdempotencyKeyLostError";
  }
}

/**
 * Redeem, as one statement: the redemptions, their code.redeemed events (the outbox) and the
 * idempotent answers commit together or not at all (unique indexes still refuse what no gate should
 * allow). One call may carry several checkouts' redemptions (a batch): then
 * they all commit, or none does.
 */
export async function insertRedemptionsAnswered(
  db: SqlTarget,
  entries: ReadonlyArray<{ rows: Array<NewRedemption & { id: string }>; answer: AnswerRef }>,
): Promise<void> {
  const rows = entries.flatMap((e) => e.rows);
  if (rows.length === 0) return;
  // Columns as arrays (unnest): one statement text whatever the batch size, prepared once per connection.
  const column = <T>(pick: (r: (typeof rows)[number]) => T) => sql.param(rows.map(pick));
  const answers = entries.map((e) => e.answer);
  // Every key must still be ours (owner token, locked for the statement) or nothing is inserted.
  const answered = await executePrepared(
    db,
    sql`
    with a as (
      select * from unnest(${sql.param(answers.map((a) => a.scope))}::text[], ${sql.param(answers.map((a) => a.key))}::text[],
        ${sql.param(answers.map((a) => a.ownerToken))}::uuid[], ${sql.param(answers.map((a) => JSON.stringify(a.response)))}::text[])
        a(scope, key, owner_token, response)),
    owned as (
      select k.scope, k.key from idempotency_keys k join a on k.scope = a.scope and k.key = a.key
      where k.owner_token = a.owner_token and k.status = 'IN_PROGRESS' for update of k),
    r as (
      insert into redemptions (id, coupon_id, code_id, customer_id, order_id, lock_id, amount, currency, channel, per_user_unique, code_single_use)
      select * from unnest(${column((r) => r.id)}::uuid[], ${column((r) => r.couponId)}::uuid[], ${column((r) => r.codeId)}::uuid[],
        ${column((r) => r.customerId)}::text[], ${column((r) => r.orderId)}::text[], ${column((r) => r.lockId ?? null)}::uuid[],
        ${column((r) => r.amount)}::bigint[], ${column((r) => r.currency)}::text[], ${column((r) => r.channel ?? null)}::text[],
        ${column((r) => pgBool(r.perUserUnique))}::text[]::boolean[], ${column((r) => pgBool(r.codeSingleUse))}::text[]::boolean[])
      where (select count(*) from owned) = ${answers.length}
      returning id, coupon_id, code_id, customer_id, order_id, lock_id, amount, currency, channel, created_at),
    -- The outbox (code.redeemed), in this same statement: an event exists if and only if its redemption committed.
    e as (
      insert into events (type, data, created_at)
      select 'code.redeemed', jsonb_build_object('redemptionId', id, 'couponId', coupon_id, 'codeId', code_id,
        'customerId', customer_id, 'orderId', order_id, 'lockId', lock_id, 'amount', amount, 'currency', currency,
        'channel', channel), created_at
      from r)
    update idempotency_keys k set status = 'DONE', response = a.response::jsonb
    from a
    where k.scope = a.scope and k.key = a.key and (select count(*) from r) = ${rows.length}
    returning k.key`,
  );
  if (answered.length !== answers.length) throw new IdempotencyKeyLostError();
}

/**
 * A boolean for an array parameter, sent as text[] and cast by Postgres: postgres.js declares an
 * array of JS booleans with the element's type (bool, not bool[]), and serialises a bool[] parameter's
 * elements with its bool serialiser (anything but `true` becomes false).
 */
function pgBool(value: boolean): "t" | "f" {
  return value ? "t" : "f";
}

/** Lock, as one statement: the lock, its items and the idempotent answer. The stored quote names codes: it is sealed (AES-GCM). */
export async function insertLockAnswered(
  db: SqlTarget,
  lock: { id: string; customerId: string; expiresAt: Date; cart: unknown; quote: unknown; items: NewLockItem[] },
  answer: AnswerRef,
): Promise<void> {
  const items = sql.join(
    lock.items.map(
      (i) =>
        sql`(${lock.id}::uuid, ${i.codeId}::uuid, ${i.couponId}::uuid, ${lock.customerId}::text, ${i.amount}::bigint)`,
    ),
    sql`, `,
  );
  // The key must still be ours (owner token, locked for the statement) or nothing is inserted.
  const answered = await executePrepared(
    db,
    sql`
    with owned as (
      select 1 from idempotency_keys
      where scope = ${answer.scope} and key = ${answer.key} and owner_token = ${answer.ownerToken}::uuid and status = 'IN_PROGRESS'
      for update),
    l as (
      insert into locks (id, customer_id, expires_at, cart, quote)
      select ${lock.id}::uuid, ${lock.customerId}, ${lock.expiresAt.toISOString()}::timestamptz, ${JSON.stringify(lock.cart)}::jsonb, ${JSON.stringify(sealJson(lock.quote))}::jsonb
      where exists (select 1 from owned)
      returning id),
    i as (insert into lock_items (lock_id, code_id, coupon_id, customer_id, amount) select * from (values ${items}) v(a, b, c, d, e) where exists (select 1 from l) returning 1)
    update idempotency_keys set status = 'DONE', response = ${JSON.stringify(answer.response)}::jsonb
    where scope = ${answer.scope} and key = ${answer.key} and (select count(*) from i) = ${lock.items.length}
    returning key`,
  );
  if (answered.length !== 1) throw new IdempotencyKeyLostError();
}
