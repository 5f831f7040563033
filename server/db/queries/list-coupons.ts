import { and, asc, desc, eq, gt, isNull, lte, or, sql, type SQL } from "drizzle-orm";
import type { Executor } from "../client";
import { couponCounters, coupons, type CouponRow } from "../schema";

export type CouponListFilter = {
  /** Part of the name, any case. */
  nameContains?: string;
  /** Also match this coupon (the exact code searched for belongs to it). */
  orCouponId?: string;
  status?: CouponRow["status"];
  kind?: CouponRow["kind"];
  window?: "scheduled" | "running" | "ended";
  now: Date;
  sort: "created" | "name" | "updated";
  direction: "asc" | "desc";
  /** Keyset: rows after this (sort value, id) in the chosen order. */
  after?: { value: string; id: string };
  limit: number;
};

export type CouponListRow = CouponRow & {
  redemptions: number | null;
  codeCount: number;
  /** The first shared code (encrypted), to show the code people type. */
  sharedCodeEncrypted: Buffer | null;
  /** The sort column as Postgres text (full microsecond precision), for the next cursor. */
  sortValue: string;
};

const SORT_COLUMNS = { created: coupons.createdAt, name: coupons.name, updated: coupons.updatedAt } as const;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** One page of the console's coupon list (keyset on (sort column, id); the indexes cover created and name). */
export async function listCoupons(db: Executor, filter: CouponListFilter): Promise<CouponListRow[]> {
  const column = SORT_COLUMNS[filter.sort];
  const search: SQL | undefined =
    filter.nameContains !== undefined
      ? or(
          sql`${coupons.name} ilike ${`%${escapeLike(filter.nameContains)}%`}`,
          filter.orCouponId ? eq(coupons.id, filter.orCouponId) : undefined,
        )
      : filter.orCouponId
        ? eq(coupons.id, filter.orCouponId)
        : undefined;
  const windowCondition: SQL | undefined =
    filter.window === "scheduled"
      ? gt(coupons.validFrom, filter.now)
      : filter.window === "running"
        ? and(
            or(isNull(coupons.validFrom), lte(coupons.validFrom, filter.now)),
            or(isNull(coupons.validUntil), gt(coupons.validUntil, filter.now)),
          )
        : filter.window === "ended"
          ? lte(coupons.validUntil, filter.now)
          : undefined;
  // Row comparison on (column, id): the page after the cursor in the chosen direction.
  const cursorValue =
    filter.after && (filter.sort === "name" ? filter.after.value : sql`${filter.after.value}::timestamptz`);
  const keyset: SQL | undefined = filter.after
    ? filter.direction === "asc"
      ? sql`(${column}, ${coupons.id}) > (${cursorValue}, ${filter.after.id}::uuid)`
      : sql`(${column}, ${coupons.id}) < (${cursorValue}, ${filter.after.id}::uuid)`
    : undefined;
  const order = filter.direction === "asc" ? [asc(column), asc(coupons.id)] : [desc(column), desc(coupons.id)];

  const rows = await db
    .select({
      coupon: coupons,
      sortValue: sql<string>`${column}::text`,
      redemptions: couponCounters.redemptions,
      codeCount: sql<number>`(select count(*) from codes d where d.coupon_id = ${coupons.id})::int`,
      sharedCodeEncrypted: sql<Buffer | null>`(select d.code_encrypted from codes d
        where d.coupon_id = ${coupons.id} and d.kind = 'SHARED' order by d.created_at limit 1)`,
    })
    .from(coupons)
    .leftJoin(couponCounters, eq(couponCounters.couponId, coupons.id))
    .where(
      and(
        search,
        filter.status ? eq(coupons.status, filter.status) : undefined,
        filter.kind ? eq(coupons.kind, filter.kind) : undefined,
        windowCondition,
        keyset,
      ),
    )
    .orderBy(...order)
    .limit(filter.limit);
  return rows.map((r) => ({
    ...r.coupon,
    redemptions: r.redemptions,
    codeCount: r.codeCount,
    sharedCodeEncrypted: r.sharedCodeEncrypted,
    sortValue: r.sortValue,
  }));
}
