import { eq, inArray, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { couponCounters, coupons, type CouponRow, type NewCouponRow } from "../schema";

export async function insertCoupon(db: Executor, values: NewCouponRow): Promise<CouponRow> {
  const [row] = await db.insert(coupons).values(values).returning();
  if (!row) throw new Error("insert into coupons returned nothing");
  return row;
}

export async function findCouponById(db: Executor, id: string): Promise<CouponRow | undefined> {
  const [row] = await db.select().from(coupons).where(eq(coupons.id, id)).limit(1);
  return row;
}

export async function findCouponsByIds(db: Executor, ids: string[]): Promise<CouponRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(coupons).where(inArray(coupons.id, ids));
}

/** Changes the status and bumps the version (cached rules carry it, so they are seen as stale). */
export async function updateCouponStatus(
  db: Executor,
  input: { id: string; status: CouponRow["status"]; updatedBy: string | null },
): Promise<CouponRow | undefined> {
  const [row] = await db
    .update(coupons)
    .set({
      status: input.status,
      updatedBy: input.updatedBy,
      updatedAt: sql`now()`,
      version: sql`${coupons.version} + 1`,
    })
    .where(eq(coupons.id, input.id))
    .returning();
  return row;
}

export async function findCouponCounters(db: Executor, couponId: string) {
  const [row] = await db.select().from(couponCounters).where(eq(couponCounters.couponId, couponId)).limit(1);
  return row;
}

/** The row, locked until the transaction ends: a status change or edit is judged on the state it replaces. */
export async function findCouponForUpdate(tx: Executor, id: string): Promise<CouponRow | undefined> {
  const [row] = await tx.select().from(coupons).where(eq(coupons.id, id)).for("update").limit(1);
  return row;
}

/** Writes the new rules and bumps the version (cached rules carry it, so they are seen as stale). */
export async function updateCouponRules(
  tx: Executor,
  id: string,
  values: Omit<Partial<NewCouponRow>, "id" | "version" | "createdAt" | "createdBy" | "status">,
): Promise<CouponRow | undefined> {
  const [row] = await tx
    .update(coupons)
    .set({ ...values, updatedAt: sql`now()`, version: sql`${coupons.version} + 1` })
    .where(eq(coupons.id, id))
    .returning();
  return row;
}

/** Whether any redemption (voided or not) was ever made: its rules then tell the history. */
export async function couponHasRedemptions(db: Executor, couponId: string): Promise<boolean> {
  const rows = await db.execute<{ found: boolean }>(
    sql`select exists (select 1 from redemptions where coupon_id = ${couponId}) as found`,
  );
  return Boolean([...rows][0]?.found);
}

/** Live locks holding a use of the coupon now (the gate writes every lock here too). */
export async function countLiveLockItems(db: Executor, couponId: string): Promise<{ uses: number; amount: number }> {
  const rows = await db.execute<{ uses: number; amount: number }>(sql`
    select count(*)::int as uses, coalesce(sum(li.amount), 0)::float8 as amount
    from lock_items li join locks k on k.id = li.lock_id
    where li.coupon_id = ${couponId} and k.status = 'ACTIVE' and k.expires_at > now()`);
  const row = [...rows][0];
  return { uses: row?.uses ?? 0, amount: row?.amount ?? 0 };
}
