import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { codes, type CodeRow } from "../schema";

export type NewCode = typeof codes.$inferInsert;

export async function insertCode(db: Executor, values: NewCode): Promise<CodeRow> {
  const [row] = await db.insert(codes).values(values).returning();
  if (!row) throw new Error("insert into codes returned nothing");
  return row;
}

export async function findCodesByLookupHashes(db: Executor, hashes: Buffer[]) {
  if (hashes.length === 0) return [];
  return db
    .select({
      id: codes.id,
      couponId: codes.couponId,
      lookupHash: codes.lookupHash,
      kind: codes.kind,
      maxRedemptions: codes.maxRedemptions,
      assignedUserId: codes.assignedUserId,
      status: codes.status,
    })
    .from(codes)
    .where(inArray(codes.lookupHash, hashes));
}

export type CodeListRow = CodeRow & { redeemed: number; locked: number; cursorValue: string };

/**
 * A coupon's codes, oldest first (keyset on created_at, id), with their uses: counting
 * redemptions and live locks, as the Postgres gate counts them.
 */
export async function listCodesOfCoupon(
  db: Executor,
  filter: { couponId: string; after?: { createdAt: string; id: string }; limit: number; only?: string },
): Promise<CodeListRow[]> {
  const rows = await db
    .select({
      code: codes,
      cursorValue: sql<string>`${codes.createdAt}::text`,
      redeemed: sql<number>`(select count(*) from redemptions r where r.code_id = ${codes.id} and not r.uses_restored and r.voided_at is null)::int`,
      locked: sql<number>`(select count(*) from lock_items li join locks k on k.id = li.lock_id
        where li.code_id = ${codes.id} and k.status = 'ACTIVE' and k.expires_at > now())::int`,
    })
    .from(codes)
    .where(
      and(
        eq(codes.couponId, filter.couponId),
        filter.only ? eq(codes.id, filter.only) : undefined,
        filter.after
          ? sql`(${codes.createdAt}, ${codes.id}) > (${filter.after.createdAt}::timestamptz, ${filter.after.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(asc(codes.createdAt), asc(codes.id))
    .limit(filter.limit);
  return rows.map((r) => ({ ...r.code, cursorValue: r.cursorValue, redeemed: r.redeemed, locked: r.locked }));
}

export async function findCodeById(db: Executor, id: string): Promise<CodeRow | undefined> {
  const [row] = await db.select().from(codes).where(eq(codes.id, id)).limit(1);
  return row;
}

export async function findCodeForUpdate(tx: Executor, id: string): Promise<CodeRow | undefined> {
  const [row] = await tx.select().from(codes).where(eq(codes.id, id)).for("update").limit(1);
  return row;
}

export async function findCodeByLookupHash(db: Executor, lookupHash: Buffer): Promise<CodeRow | undefined> {
  const [row] = await db.select().from(codes).where(eq(codes.lookupHash, lookupHash)).limit(1);
  return row;
}

export async function updateCodeStatus(
  tx: Executor,
  id: string,
  status: CodeRow["status"],
): Promise<CodeRow | undefined> {
  const [row] = await tx.update(codes).set({ status }).where(eq(codes.id, id)).returning();
  return row;
}
