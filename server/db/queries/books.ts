import { eq, sql, type SQL } from "drizzle-orm";
import type { Executor } from "../client";
import { books, type BookRow } from "../schema";

export type NewBook = typeof books.$inferInsert;

export async function insertBook(db: Executor, values: NewBook): Promise<BookRow> {
  const [row] = await db.insert(books).values(values).returning();
  if (!row) throw new Error("insert into books returned nothing");
  return row;
}

export async function findBook(db: Executor, bookId: string): Promise<BookRow | undefined> {
  const [row] = await db.select().from(books).where(eq(books.id, bookId));
  return row;
}

export async function listBooksWithCounts(db: Executor, couponId: string | null) {
  return db.execute<{
    id: string;
    couponId: string;
    couponName: string;
    name: string;
    description: string;
    maxPerUser: number;
    claimable: boolean;
    createdAt: Date;
    codes: number;
    assigned: number;
  }>(sql`
    select b.id, b.coupon_id as "couponId", c.name as "couponName", b.name, b.description, b.max_per_user as "maxPerUser",
      b.claimable, b.created_at as "createdAt",
      (select count(*) from codes k where k.book_id = b.id)::int as codes,
      (select count(*) from codes k where k.book_id = b.id and k.assigned_user_id is not null)::int as assigned
    from books b join coupons c on c.id = b.coupon_id
    ${couponId === null ? sql`` : sql`where b.coupon_id = ${couponId}`}
    order by b.created_at desc
    limit 500`);
}

/** Serialises one user's assignments from one book (the per-user limit holds under concurrency). */
export async function lockBookUser(db: Executor, bookId: string, userId: string): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`book:${bookId}:${userId}`}, 0))`);
}

export async function countBookAssignments(db: Executor, bookId: string, userId: string): Promise<number> {
  const [row] = await db.execute<{ n: number }>(
    sql`select count(*)::int as n from codes where book_id = ${bookId} and assigned_user_id = ${userId}`,
  );
  return row?.n ?? 0;
}

const available = (bookId: string | SQL) => sql`book_id = ${bookId} and assigned_user_id is null and status = 'ACTIVE'
  and not exists (select 1 from redemptions r where r.code_id = codes.id and not r.uses_restored)`;

/**
 * Takes a random available code of the book for this transaction: the first unassigned code at or
 * after a random id (wrapping around), locked; codes other transactions hold are skipped (SKIP
 * LOCKED), so concurrent claims never wait on or get the same code.
 */
export async function lockRandomAvailableCode(db: Executor, bookId: string): Promise<string | undefined> {
  const [after] = await db.execute<{ id: string }>(sql`
    select id from codes where ${available(bookId)} and id >= gen_random_uuid()
    order by id limit 1 for update skip locked`);
  if (after) return after.id;
  const [from] = await db.execute<{ id: string }>(sql`
    select id from codes where ${available(bookId)} order by id limit 1 for update skip locked`);
  return from?.id;
}

/** Assigns the code if it is in the book and unassigned; returns its row or undefined. */
export async function assignCode(db: Executor, codeId: string, bookId: string, userId: string) {
  const [row] = await db.execute<{ id: string; lookupHash: Buffer; codeEncrypted: Buffer; couponId: string }>(sql`
    update codes set assigned_user_id = ${userId}, assigned_at = now()
    where id = ${codeId} and book_id = ${bookId} and assigned_user_id is null
    returning id, lookup_hash as "lookupHash", code_encrypted as "codeEncrypted", coupon_id as "couponId"`);
  return row;
}

export async function findCodeInBook(db: Executor, codeId: string, bookId: string) {
  const [row] = await db.execute<{ assignedUserId: string | null; status: string }>(
    sql`select assigned_user_id as "assignedUserId", status from codes where id = ${codeId} and book_id = ${bookId}`,
  );
  return row;
}

// A code's state (SPEC: AVAILABLE -> ASSIGNED -> LOCKED -> REDEEMED; DISABLED), from its rows.
const codeState = sql`case
  when k.status = 'DISABLED' then 'DISABLED'
  when k.max_redemptions is not null and
    (select count(*) from redemptions r where r.code_id = k.id and not r.uses_restored) >= k.max_redemptions then 'REDEEMED'
  when exists (select 1 from lock_items li join locks l on l.id = li.lock_id
    where li.code_id = k.id and l.status = 'ACTIVE' and l.expires_at > now()) then 'LOCKED'
  when k.assigned_user_id is not null then 'ASSIGNED'
  else 'AVAILABLE' end`;

export type CodeStateRow = {
  id: string;
  codeEncrypted: Buffer;
  state: "AVAILABLE" | "ASSIGNED" | "LOCKED" | "REDEEMED" | "DISABLED";
  assignedEmail: string | null;
  assignedAt: Date | null;
  createdAt: Date;
};

/** A page of a book's codes with their states (keyset on created_at, id). */
export async function listBookCodes(
  db: Executor,
  bookId: string,
  limit: number,
  cursor: { createdAt: string; id: string } | undefined,
) {
  return db.execute<CodeStateRow>(sql`
    select k.id, k.code_encrypted as "codeEncrypted", ${codeState} as state, u.email as "assignedEmail",
      k.assigned_at as "assignedAt", k.created_at as "createdAt"
    from codes k left join users u on u.id = k.assigned_user_id
    where k.book_id = ${bookId}
      ${cursor ? sql`and (k.created_at, k.id) > (${cursor.createdAt}::timestamptz, ${cursor.id}::uuid)` : sql``}
    order by k.created_at, k.id
    limit ${limit}`);
}

export async function findUserIdById(db: Executor, userId: string): Promise<string | undefined> {
  const [row] = await db.execute<{ id: string }>(sql`select id from users where id = ${userId}`);
  return row?.id;
}

/** The claimable books of live coupons, with whether codes are left and how many this user holds already. */
export async function listClaimableBooks(db: Executor, userId: string) {
  return db.execute<{
    id: string;
    name: string;
    description: string;
    maxPerUser: number;
    held: number;
    hasCodesLeft: boolean;
    couponId: string;
    couponName: string;
    couponDescription: string;
    couponKind: "PERCENT" | "FIXED" | "FREE_SHIPPING";
    couponValue: number | null;
    couponCurrency: string | null;
    validUntil: Date | null;
  }>(sql`
    select b.id, b.name, b.description, b.max_per_user as "maxPerUser",
      (select count(*) from codes k where k.book_id = b.id and k.assigned_user_id = ${userId})::int as held,
      exists (select 1 from codes where ${available(sql`b.id`)}) as "hasCodesLeft",
      c.id as "couponId", c.name as "couponName", c.description as "couponDescription", c.kind as "couponKind",
      c.value as "couponValue", c.currency as "couponCurrency", c.valid_until as "validUntil"
    from books b join coupons c on c.id = b.coupon_id
    where b.claimable and c.status = 'ACTIVE'
      and (c.valid_from is null or c.valid_from <= now()) and (c.valid_until is null or c.valid_until > now())
    order by b.created_at desc
    limit 50`);
}
