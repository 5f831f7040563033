import { sql } from "drizzle-orm";
import type { Executor } from "../client";

export type LiveCouponState = {
  id: string;
  status: "ACTIVE" | "DISABLED" | "ARCHIVED";
  version: number;
  uses: number;
  discountSpent: number;
  customerUses: number;
  /** The customer's live locks on the coupon (lock hoarding limit). */
  customerLiveLocks: number;
};
export type LiveCodeState = {
  id: string;
  status: "ACTIVE" | "DISABLED";
  assignedUserId: string | null;
  redeemed: number;
  locked: number;
};

/**
 * Fresh status, version and usage for the coupons and codes of one request, in
 * one round trip. Counts redemptions that still count (not voided with uses
 * given back) plus live locks; it reserves nothing. A lock is live until its expiry by the clock at
 * this statement (clock_timestamp(), never the transaction's start: a gate decision may wait long on
 * its coupon lock). `clockMs` is that clock: the Postgres gate decides a new lock's expiry by it.
 */
export async function readLiveUsage(
  db: Executor,
  input: { couponIds: string[]; codeIds: string[]; customerId: string | null },
): Promise<{ coupons: LiveCouponState[]; codes: LiveCodeState[]; clockMs: number }> {
  const couponIds = sql`${`{${input.couponIds.join(",")}}`}::uuid[]`;
  const codeIds = sql`${`{${input.codeIds.join(",")}}`}::uuid[]`;
  // One statement, one round trip: validate runs this on every call.
  const [row] = await db.execute<{
    coupons: LiveCouponState[] | null;
    codes: LiveCodeState[] | null;
    clockMs: number;
  }>(sql`
    with t as (select clock_timestamp() as now)
    select
      (extract(epoch from (select now from t)) * 1000)::float8 as "clockMs",
      (select json_agg(x) from (
        -- A DRAFT is as unredeemable as a disabled coupon (the engine knows ACTIVE, DISABLED, ARCHIVED).
        select c.id, case when c.status = 'DRAFT' then 'DISABLED' else c.status::text end as status, c.version,
          (coalesce(r.uses, 0) + coalesce(l.uses, 0))::int as "uses",
          (coalesce(r.spent, 0) + coalesce(l.spent, 0))::bigint::float8 as "discountSpent",
          coalesce(u.uses, 0)::int as "customerUses",
          coalesce(u.locks, 0)::int as "customerLiveLocks"
        from coupons c
        left join lateral (
          select count(*) as uses, sum(amount) as spent from redemptions
          where coupon_id = c.id and not uses_restored) r on true
        left join lateral (
          select count(*) as uses, sum(li.amount) as spent from lock_items li join locks k on k.id = li.lock_id
          where li.coupon_id = c.id and k.status = 'ACTIVE' and k.expires_at > (select now from t)) l on true
        left join lateral (
          select (select count(*) from redemptions where coupon_id = c.id and customer_id = ${input.customerId} and not uses_restored)
               + (select count(*) from lock_items li join locks k on k.id = li.lock_id
                  where li.coupon_id = c.id and li.customer_id = ${input.customerId} and k.status = 'ACTIVE' and k.expires_at > (select now from t)) as uses,
            (select count(distinct k.id) from lock_items li join locks k on k.id = li.lock_id
              where li.coupon_id = c.id and li.customer_id = ${input.customerId} and k.status = 'ACTIVE' and k.expires_at > (select now from t)) as locks
        ) u on ${input.customerId}::text is not null
        where c.id = any(${couponIds})) x) as coupons,
      (select json_agg(y) from (
        select d.id, d.status, d.assigned_user_id as "assignedUserId",
          (select count(*) from redemptions where code_id = d.id and not uses_restored)::int as "redeemed",
          (select count(*) from lock_items li join locks k on k.id = li.lock_id
            where li.code_id = d.id and k.status = 'ACTIVE' and k.expires_at > (select now from t))::int as "locked"
        from codes d where d.id = any(${codeIds})) y) as codes`);
  return { coupons: row?.coupons ?? [], codes: row?.codes ?? [], clockMs: row?.clockMs ?? Date.now() };
}
