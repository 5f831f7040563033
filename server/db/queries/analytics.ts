import { sql } from "drizzle-orm";
import type { Database, Executor } from "../client";

const MARK = "redemption_daily";
/** Redemptions are written in short transactions (2 s deadline): re-count this far back each run. */
const OVERLAP = sql`interval '2 minutes'`;

/**
 * Brings redemption_daily up to date: every (coupon, UTC day) with a redemption made or voided since
 * the last run (minus an overlap for transactions that were still open) is counted again from its
 * rows, so a run is correct however many runs were missed. The first run counts everything.
 * Rows are found by created_at / voided_at: rows written with an older created_at (a back-fill)
 * need a full count (`full`).
 * Returns how many (coupon, day) groups were counted.
 */
export async function refreshRedemptionDaily(db: Database, opts: { full?: boolean } = {}): Promise<number> {
  return db.transaction(async (tx) => {
    // One refresh at a time (pg-boss keeps to one per interval; a manual run may overlap).
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended('refresh:redemption_daily', 0))`);
    const [mark] = await tx.execute<{ since: string | null; now: string }>(sql`
      select (select marked_at - ${OVERLAP} from refresh_marks where name = ${MARK})::text as since, now()::text as now`);
    const since = opts.full ? null : (mark?.since ?? null);
    await tx.execute(sql`create temp table touched (coupon_id uuid, day date) on commit drop`);
    await tx.execute(
      since === null
        ? sql`insert into touched select distinct coupon_id, (created_at at time zone 'UTC')::date from redemptions`
        : sql`insert into touched
            select coupon_id, (created_at at time zone 'UTC')::date from redemptions where created_at >= ${since}::timestamptz
            union
            select coupon_id, (created_at at time zone 'UTC')::date from redemptions where voided_at >= ${since}::timestamptz`,
    );
    await tx.execute(
      sql`delete from redemption_daily d using touched t where d.coupon_id = t.coupon_id and d.day = t.day`,
    );
    await tx.execute(sql`
      insert into redemption_daily (day, coupon_id, channel, currency, code_kind, redemptions, voided, discount)
      select t.day, r.coupon_id, coalesce(r.channel, ''), r.currency, k.kind,
        count(*) filter (where r.voided_at is null), count(*) filter (where r.voided_at is not null),
        coalesce(sum(r.amount) filter (where r.voided_at is null), 0)
      from touched t
      join redemptions r on r.coupon_id = t.coupon_id
        and r.created_at >= (t.day::timestamp at time zone 'UTC') and r.created_at < ((t.day + 1)::timestamp at time zone 'UTC')
      join codes k on k.id = r.code_id
      group by t.day, r.coupon_id, coalesce(r.channel, ''), r.currency, k.kind`);
    await tx.execute(sql`insert into refresh_marks (name, marked_at) values (${MARK}, ${mark!.now}::timestamptz)
      on conflict (name) do update set marked_at = excluded.marked_at`);
    const [count] = await tx.execute<{ n: number }>(sql`select count(*)::int as n from touched`);
    return count?.n ?? 0;
  });
}

/**
 * Recounts the codes of coupons that got codes since their last count (single codes by created_at;
 * bulk jobs by when they committed, since their created_at is their transaction's start), and of
 * coupons never counted. Returns how many coupons were recounted.
 */
export async function refreshCouponCodeStats(db: Executor): Promise<number> {
  const result = await db.execute(sql`
    with stale as (
      select c.id from coupons c left join coupon_code_stats s on s.coupon_id = c.id
      where s.coupon_id is null
        or exists (select 1 from codes k where k.coupon_id = c.id and k.created_at > s.refreshed_at - ${OVERLAP})
        or exists (select 1 from code_jobs j where j.coupon_id = c.id and j.status = 'COMPLETED' and j.finished_at > s.refreshed_at - ${OVERLAP})
    )
    insert into coupon_code_stats (coupon_id, unique_issued, shared_issued, refreshed_at)
    select stale.id,
      (select count(*) from codes k where k.coupon_id = stale.id and k.kind = 'UNIQUE')::int,
      (select count(*) from codes k where k.coupon_id = stale.id and k.kind = 'SHARED')::int,
      now()
    from stale
    on conflict (coupon_id) do update set unique_issued = excluded.unique_issued, shared_issued = excluded.shared_issued,
      refreshed_at = excluded.refreshed_at`);
  return result.count;
}

export type AnalyticsFilter = { from: string; to: string; couponId: string | null; channel: string | null };

const filterOf = (f: AnalyticsFilter) => sql`d.day between ${f.from}::date and ${f.to}::date
  ${f.couponId ? sql`and d.coupon_id = ${f.couponId}` : sql``}
  ${f.channel !== null ? sql`and d.channel = ${f.channel}` : sql``}`;

/** Totals of the range per currency (discount is money: never summed across currencies). */
export async function sumRedemptions(db: Executor, f: AnalyticsFilter) {
  return db.execute<{ currency: string; redemptions: number; voided: number; discount: number }>(sql`
    select d.currency, sum(d.redemptions)::int as redemptions, sum(d.voided)::int as voided, sum(d.discount)::float8 as discount
    from redemption_daily d where ${filterOf(f)}
    group by d.currency order by sum(d.redemptions) desc`);
}

export async function topCoupons(db: Executor, f: AnalyticsFilter, limit: number) {
  return db.execute<{ couponId: string; name: string; redemptions: number; discount: number; currency: string }>(sql`
    select d.coupon_id as "couponId", c.name, sum(d.redemptions)::int as redemptions,
      sum(d.discount)::float8 as discount, min(d.currency) as currency
    from redemption_daily d join coupons c on c.id = d.coupon_id
    where ${filterOf(f)}
    group by d.coupon_id, c.name order by sum(d.redemptions) desc limit ${limit}`);
}

export async function splitByChannel(db: Executor, f: AnalyticsFilter) {
  return db.execute<{ channel: string; redemptions: number; discount: number }>(sql`
    select d.channel, sum(d.redemptions)::int as redemptions, sum(d.discount)::float8 as discount
    from redemption_daily d where ${filterOf(f)}
    group by d.channel order by sum(d.redemptions) desc`);
}

/** Redeemed uses of unique codes and unique codes issued, all time (the redemption rate's terms). */
export async function uniqueCodeUsage(db: Executor, couponId: string | null) {
  const [row] = await db.execute<{ redeemed: number; issued: number }>(sql`
    select
      coalesce((select sum(redemptions) from redemption_daily d where d.code_kind = 'UNIQUE'
        ${couponId ? sql`and d.coupon_id = ${couponId}` : sql``}), 0)::float8 as redeemed,
      coalesce((select sum(unique_issued) from coupon_code_stats s ${couponId ? sql`where s.coupon_id = ${couponId}` : sql``}), 0)::float8 as issued`);
  return row ?? { redeemed: 0, issued: 0 };
}

/** One row per day of the range (days without redemptions as zeros). */
export async function dailySeries(db: Executor, f: AnalyticsFilter, currency: string) {
  return db.execute<{ day: string; redemptions: number; voided: number; discount: number }>(sql`
    select g.day::date::text as day, coalesce(sum(d.redemptions), 0)::int as redemptions,
      coalesce(sum(d.voided), 0)::int as voided,
      coalesce(sum(d.discount) filter (where d.currency = ${currency}), 0)::float8 as discount
    from generate_series(${f.from}::date, ${f.to}::date, interval '1 day') g(day)
    left join redemption_daily d on d.day = g.day::date
      ${f.couponId ? sql`and d.coupon_id = ${f.couponId}` : sql``}
      ${f.channel !== null ? sql`and d.channel = ${f.channel}` : sql``}
    group by g.day order by g.day`);
}

export async function readRefreshMark(db: Executor): Promise<Date | null> {
  const [row] = await db.execute<{ markedAt: string }>(
    sql`select marked_at::text as "markedAt" from refresh_marks where name = ${MARK}`,
  );
  return row ? new Date(row.markedAt) : null;
}
