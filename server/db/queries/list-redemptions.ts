import { and, desc, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import type { Executor } from "../client";
import { codes, coupons, redemptions, type RedemptionRow } from "../schema";

export type RedemptionListFilter = {
  couponId?: string;
  codeId?: string;
  customerId?: string;
  orderId?: string;
  from?: Date;
  to?: Date;
  /** Keyset: rows strictly older than (createdAt as Postgres text, id). */
  before?: { createdAt: string; id: string };
  limit: number;
};

export type RedemptionListRow = RedemptionRow & {
  couponName: string;
  codeEncrypted: Buffer;
  cursorValue: string;
};

/**
 * Newest first, keyset on (created_at, id): each filter has an index leading with its column
 * and ending (created_at, id), so a page reads `limit` index entries whatever the table holds.
 */
export async function listRedemptions(db: Executor, filter: RedemptionListFilter): Promise<RedemptionListRow[]> {
  const conditions: Array<SQL | undefined> = [
    filter.couponId ? eq(redemptions.couponId, filter.couponId) : undefined,
    filter.codeId ? eq(redemptions.codeId, filter.codeId) : undefined,
    filter.customerId ? eq(redemptions.customerId, filter.customerId) : undefined,
    filter.orderId ? eq(redemptions.orderId, filter.orderId) : undefined,
    filter.from ? gte(redemptions.createdAt, filter.from) : undefined,
    filter.to ? lt(redemptions.createdAt, filter.to) : undefined,
    filter.before
      ? sql`(${redemptions.createdAt}, ${redemptions.id}) < (${filter.before.createdAt}::timestamptz, ${filter.before.id}::uuid)`
      : undefined,
  ];
  const rows = await db
    .select({
      redemption: redemptions,
      couponName: coupons.name,
      codeEncrypted: codes.codeEncrypted,
      cursorValue: sql<string>`${redemptions.createdAt}::text`,
    })
    .from(redemptions)
    .innerJoin(coupons, eq(coupons.id, redemptions.couponId))
    .innerJoin(codes, eq(codes.id, redemptions.codeId))
    .where(and(...conditions))
    .orderBy(desc(redemptions.createdAt), desc(redemptions.id))
    .limit(filter.limit);
  return rows.map((r) => ({
    ...r.redemption,
    couponName: r.couponName,
    codeEncrypted: r.codeEncrypted,
    cursorValue: r.cursorValue,
  }));
}
