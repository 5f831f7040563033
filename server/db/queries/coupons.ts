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
  input: { id: string; status: CouponRow["status"]; updatedBy: string },
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
