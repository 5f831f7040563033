/**
 * `npm run bench:analytics`: seeds N (default 1,000,000) redemptions over 90 days, 20 coupons and 4
 * channels into a fresh embedded Postgres, builds the pre-aggregated tables once (timed), then times
 * every dashboard view (admin.analytics.summary and timeseries, through their services) over several
 * ranges and filters: 20 runs each, p50 and max. For scale it also times the same summary computed
 * straight from the redemptions table once. A benchmark, not a test: it never fails on timing.
 *
 *   tsx tools/bench/analytics.ts [--count 1000000] [--runs 20] [--verbose]
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { runBenchmark, startInProcessBench } from "./harness";
import { percentile } from "./percentile";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      count: { type: "string", default: "1000000" },
      runs: { type: "string", default: "20" },
      verbose: { type: "boolean", default: false },
    },
  });
  const count = Number(values.count);
  const runs = Number(values.runs);
  if (!Number.isInteger(count) || count < 1 || count > 10_000_000 || !Number.isInteger(runs) || runs < 1) {
    console.error("usage: tsx tools/bench/analytics.ts [--count 1000000] [--runs 20] [--verbose]");
    return 2;
  }
  await startInProcessBench(`bench:analytics · ${count.toLocaleString("en-US")} redemptions`, {
    verbose: values.verbose,
  });
  const { sql } = await import("drizzle-orm");
  const { getDb } = await import("@/server/db/client");
  const { refreshAnalytics } = await import("@/server/services/refresh-analytics");
  const { getAnalyticsSummary } = await import("@/server/services/get-analytics-summary");
  const { getAnalyticsTimeseries } = await import("@/server/services/get-analytics-timeseries");
  const { analyticsInput } = await import("@/server/domain/code-job-inputs");
  const db = getDb();

  // 20 coupons, each with one shared code and 1,000 unique codes (hashes stand in for sealed codes).
  const seedStarted = performance.now();
  await db.execute(sql`
    insert into coupons (name, kind, value) select 'bench coupon ' || g, 'PERCENT', 500 + g from generate_series(1, 20) g`);
  await db.execute(sql`
    insert into codes (coupon_id, lookup_hash, code_encrypted, kind, max_redemptions)
    select c.id, sha256((c.id::text || ':' || g)::bytea), sha256(random()::text::bytea), case when g = 0 then 'SHARED' else 'UNIQUE' end::code_kind,
      case when g = 0 then null else 1 end
    from coupons c cross join generate_series(0, 1000) g where c.name like 'bench coupon %'`);
  // N redemptions of the shared codes, spread over 90 days and 4 channels (plus some without one).
  await db.execute(sql`
    with shared as (select row_number() over (order by k.id) as n, k.id as code_id, k.coupon_id
                    from codes k join coupons c on c.id = k.coupon_id where c.name like 'bench coupon %' and k.kind = 'SHARED')
    insert into redemptions (coupon_id, code_id, customer_id, order_id, amount, currency, channel, per_user_unique, code_single_use, created_at, voided_at, uses_restored)
    select s.coupon_id, s.code_id, 'customer-' || (g % 50000), 'order-' || g, 100 + (g::bigint * 7919) % 5000, 'USD',
      (array['web', 'app', 'pos', 'partner', null])[1 + ((g / 20) % 5)], false, false,
      now() - make_interval(secs => ((g::bigint * 104729) % (90 * 86400))::float8),
      case when g % 50 = 0 then now() else null end, g % 50 = 0
    from generate_series(1, ${count}) g join shared s on s.n = 1 + (g % 20)`);
  await db.execute(sql`vacuum analyze redemptions`);
  console.log(
    `seeded ${count.toLocaleString("en-US")} redemptions in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`,
  );

  const refreshStarted = performance.now();
  const built = await refreshAnalytics();
  const refreshMs = performance.now() - refreshStarted;
  const incrementalStarted = performance.now();
  await refreshAnalytics();
  const incrementalMs = performance.now() - incrementalStarted;
  const [rows] = await db.execute<{ n: number }>(sql`select count(*)::int as n from redemption_daily`);
  console.log(
    `first refresh (everything): ${(refreshMs / 1000).toFixed(2)} s, ${built.days} (coupon, day) groups -> ${rows!.n} rows; ` +
      `next refresh (nothing new): ${incrementalMs.toFixed(0)} ms`,
  );

  const [oneCoupon] = await db.execute<{ id: string }>(sql`select id from coupons where name = 'bench coupon 7'`);
  const views: Array<[string, () => Promise<unknown>]> = [
    ["summary · last 30 days", () => getAnalyticsSummary(analyticsInput.parse({}))],
    ["summary · 90 days", () => getAnalyticsSummary(analyticsInput.parse({ from: dayAgo(89) }))],
    [
      "summary · 90 days · one coupon",
      () => getAnalyticsSummary(analyticsInput.parse({ from: dayAgo(89), couponId: oneCoupon!.id })),
    ],
    [
      "summary · 366 days · channel web",
      () => getAnalyticsSummary(analyticsInput.parse({ from: dayAgo(365), channel: "web" })),
    ],
    ["timeseries · last 30 days", () => getAnalyticsTimeseries(analyticsInput.parse({}))],
    ["timeseries · 90 days", () => getAnalyticsTimeseries(analyticsInput.parse({ from: dayAgo(89) }))],
    [
      "timeseries · 366 days · one coupon · app",
      () =>
        getAnalyticsTimeseries(analyticsInput.parse({ from: dayAgo(365), couponId: oneCoupon!.id, channel: "app" })),
    ],
  ];
  console.log("");
  console.log(`| view (${runs} runs each, through the service)         | p50 ms | max ms |`);
  console.log("| ------------------------------------------------ | ------ | ------ |");
  for (const [name, run] of views) {
    await run(); // warm the connection and the plan
    const times: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      const started = performance.now();
      await run();
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    console.log(
      `| ${name.padEnd(48)} | ${percentile(times, 50).toFixed(1).padStart(6)} | ${times.at(-1)!.toFixed(1).padStart(6)} |`,
    );
  }
  const rawStarted = performance.now();
  await db.execute(sql`
    select channel, count(*) filter (where voided_at is null), sum(amount) filter (where voided_at is null)
    from redemptions where created_at > now() - interval '90 days' group by channel`);
  console.log("");
  console.log(
    `for scale: the channel split computed from the redemptions table itself (90 days): ${(performance.now() - rawStarted).toFixed(0)} ms`,
  );
  console.log(
    `load average at end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  return 0;
}

const dayAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

runBenchmark(main);
