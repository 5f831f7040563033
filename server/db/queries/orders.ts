import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { orders, type OrderRow } from "../schema";

export type NewOrder = typeof orders.$inferInsert;

/** Inserts the order unless this customer already placed one with this idempotency key; returns the one that exists. */
export async function insertOrderOnce(db: Executor, values: NewOrder): Promise<{ order: OrderRow; created: boolean }> {
  const [inserted] = await db.insert(orders).values(values).onConflictDoNothing().returning();
  if (inserted) return { order: inserted, created: true };
  const existing = await findOrderByKey(db, values.customerId, values.idempotencyKey);
  if (!existing) throw new Error("order insert conflicted but no order has this key");
  return { order: existing, created: false };
}

export async function findOrderByKey(db: Executor, customerId: string, idempotencyKey: string) {
  const [row] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.customerId, customerId), eq(orders.idempotencyKey, idempotencyKey)));
  return row ?? null;
}

export async function findOrder(db: Executor, id: string) {
  const [row] = await db.select().from(orders).where(eq(orders.id, id));
  return row ?? null;
}

export async function listCustomerOrders(db: Executor, customerId: string, limit: number) {
  return db.select().from(orders).where(eq(orders.customerId, customerId)).orderBy(desc(orders.createdAt)).limit(limit);
}

/** pending -> paid, once: a second call (double click, retry) changes nothing and returns null. */
export async function markOrderPaid(db: Executor, id: string, redemptions: unknown) {
  const [row] = await db
    .update(orders)
    .set({ state: "paid", paidAt: sql`now()`, updatedAt: sql`now()`, redemptions })
    .where(and(eq(orders.id, id), eq(orders.state, "pending")))
    .returning();
  return row ?? null;
}

/** pending -> failed, once. */
export async function markOrderFailed(db: Executor, id: string, failureReason: string) {
  const [row] = await db
    .update(orders)
    .set({ state: "failed", failureReason, updatedAt: sql`now()` })
    .where(and(eq(orders.id, id), eq(orders.state, "pending")))
    .returning();
  return row ?? null;
}

/** A pending order's new hold on its codes; only if the hold it replaces is still the current one (no lost update). */
export async function replaceOrderLock(
  db: Executor,
  id: string,
  previousLockId: string,
  next: { lockId: string; lockExpiresAt: Date },
) {
  const [row] = await db
    .update(orders)
    .set({ ...next, updatedAt: sql`now()` })
    .where(and(eq(orders.id, id), eq(orders.state, "pending"), eq(orders.lockId, previousLockId)))
    .returning();
  return row ?? null;
}

/** Paid orders per customer, for many customers in one statement (first-order rules read it on every checkout call). */
export async function countPaidOrders(db: Executor, customerIds: readonly string[]): Promise<Map<string, number>> {
  if (customerIds.length === 0) return new Map();
  const rows = await db
    .select({ customerId: orders.customerId, n: sql<number>`count(*)::int` })
    .from(orders)
    .where(and(inArray(orders.customerId, [...customerIds]), eq(orders.state, "paid")))
    .groupBy(orders.customerId);
  return new Map(rows.map((r) => [r.customerId, r.n]));
}
