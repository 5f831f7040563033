/**
 * npm run bench:admin-list [-- --coupons 10000 --redemptions 1000000 --runs 30]
 *
 * Latency of the console's list procedures on a big table, in process through the tRPC caller (an
 * admin session; input parsing, the service and the queries, no HTTP): admin.coupons.list over
 * --coupons coupons (target < 100 ms) and admin.redemptions.list over --redemptions rows (target
 * < 200 ms per page). Baselines from the same run and pool: a `select 1` round trip, and the page
 * an OFFSET query would read at the same depth. Fresh embedded services in a temp dir, removed after.
 * A benchmark prints figures; it never fails on timing.
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { describeMachine, runBenchmark, startFreshServices } from "./harness";
import { percentile } from "./percentile";

const { values: args } = parseArgs({
  options: {
    coupons: { type: "string", default: "10000" },
    redemptions: { type: "string", default: "1000000" },
    runs: { type: "string", default: "30" },
    verbose: { type: "boolean", default: false },
  },
});
const COUPONS = Number(args.coupons);
const REDEMPTIONS = Number(args.redemptions);
const RUNS = Number(args.runs);

type Row = { label: string; p50: number; p95: number; max: number; rows: number };

async function measure(label: string, run: () => Promise<number>): Promise<Row> {
  for (let i = 0; i < 3; i += 1) await run();
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < RUNS; i += 1) {
    const start = performance.now();
    rows = await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { label, p50: percentile(times, 50), p95: percentile(times, 95), max: times.at(-1)!, rows };
}

function print(title: string, target: number, rows: Row[]): void {
  console.log(`\n${title} (target < ${target} ms per page; ${RUNS} runs each, ms)`);
  console.log(`${"case".padEnd(58)} ${"p50".padStart(8)} ${"p95".padStart(8)} ${"max".padStart(8)}  rows`);
  for (const r of rows)
    console.log(
      `${r.label.padEnd(58)} ${r.p50.toFixed(1).padStart(8)} ${r.p95.toFixed(1).padStart(8)} ${r.max.toFixed(1).padStart(8)}  ${r.rows}`,
    );
}

async function main(): Promise<void> {
  console.log(`bench:admin-list · ${describeMachine()}`);
  const services = await startFreshServices({ verbose: args.verbose });
  // Server modules read process.env once, on first use: set it before importing them.
  Object.assign(process.env, services.env);
  const [{ createCaller }, { getDb }, { sql }, { findUserByEmail }, { hashCodeForLookup, encryptCode }] =
    await Promise.all([
      import("@/server/api/root"),
      import("@/server/db/client"),
      import("drizzle-orm"),
      import("@/server/db/queries/find-user-by-email"),
      import("@/server/crypto/code-secrets"),
    ]);
  const db = getDb();
  const admin = await findUserByEmail(db, "admin@demo.test");
  if (!admin) throw new Error("the seed has no admin@demo.test");
  const caller = createCaller({
    session: { user: { id: admin.id, email: admin.email, role: "admin" }, expires: "2099-01-01" },
    headers: new Headers(),
    ip: "127.0.0.1",
  });

  // Seed in bulk (SQL): names, kinds, statuses and windows spread over the filters; one shared code each.
  let t = performance.now();
  await db.execute(sql`
    insert into coupons (name, kind, value, currency, status, valid_from, valid_until, max_redemptions, created_at, updated_at)
    select 'Bench sale ' || g, (array['PERCENT','FIXED','FREE_SHIPPING'])[1 + g % 3]::coupon_kind,
      case g % 3 when 0 then 1 + g % 5000 when 1 then 100 + g % 900 else null end, 'USD',
      (array['ACTIVE','ACTIVE','ACTIVE','DISABLED','DRAFT','ARCHIVED'])[1 + g % 6]::coupon_status,
      now() - make_interval(days => 60 - g % 90), now() - make_interval(days => 60 - g % 90) + make_interval(days => 1 + g % 100),
      case when g % 4 = 0 then null else 1000 end,
      now() - make_interval(secs => g), now() - make_interval(secs => g)
    from generate_series(1, ${COUPONS}) g`);
  const couponIds = [
    ...(await db.execute<{ id: string }>(sql`select id from coupons where name like 'Bench sale %' order by name`)),
  ].map((r) => r.id);
  const codeRows = couponIds.map((couponId, i) => {
    const code = `BENCH${i}`;
    return { couponId, lookupHash: hashCodeForLookup(code), codeEncrypted: encryptCode(code) };
  });
  const { codes } = await import("@/server/db/schema");
  for (let i = 0; i < codeRows.length; i += 1000)
    await db.insert(codes).values(codeRows.slice(i, i + 1000).map((r) => ({ ...r, kind: "SHARED" as const })));
  console.log(`seeded ${COUPONS} coupons with a code each in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const list = (input: Parameters<typeof caller.admin.coupons.list>[0]) => async () =>
    (await caller.admin.coupons.list(input)).items.length;
  let deepCursor: string | null = null;
  for (let page = 0; page < 200 && COUPONS > 5000; page += 1)
    deepCursor = (await caller.admin.coupons.list({ cursor: deepCursor, limit: 25 })).nextCursor;
  const couponRows = [
    await measure("baseline: select 1 (one Postgres round trip)", async () => {
      await db.execute(sql`select 1`);
      return 1;
    }),
    await measure(
      "baseline: OFFSET 5000 LIMIT 25 by created_at (raw SQL)",
      async () =>
        [...(await db.execute(sql`select * from coupons order by created_at desc, id desc offset 5000 limit 25`))]
          .length,
    ),
    await measure("first page, newest first", list({})),
    await measure("page 201 (keyset cursor, 5,000 rows in)", list({ cursor: deepCursor })),
    await measure("search by name part: 'sale 77'", list({ search: "sale 77" })),
    await measure("search by exact code: 'bench 4242' (any case)", list({ search: "bench4242" })),
    await measure("status ACTIVE, kind PERCENT", list({ status: "ACTIVE", kind: "PERCENT" })),
    await measure("window running, sort by name asc", list({ window: "running", sort: "name", direction: "asc" })),
    await measure("window scheduled, sort by updated", list({ window: "scheduled", sort: "updated" })),
  ];
  print(`admin.coupons.list over ${COUPONS.toLocaleString("en-US")} coupons`, 100, couponRows);

  if (REDEMPTIONS > 0) {
    // 1,000 customers, unique orders, spread over the first 1,000 coupons' codes and the last 60 days.
    t = performance.now();
    const batch = 200_000;
    for (let from = 1; from <= REDEMPTIONS; from += batch) {
      const to = Math.min(REDEMPTIONS, from + batch - 1);
      await db.execute(sql`
        with c as (
          select array_agg(id order by created_at, id) as ids, array_agg(coupon_id order by created_at, id) as coupon_ids
          from (select id, coupon_id, created_at from codes order by created_at, id limit 1000) x)
        insert into redemptions (coupon_id, code_id, customer_id, order_id, amount, currency, channel, per_user_unique, code_single_use, created_at)
        select c.coupon_ids[1 + g % 1000], c.ids[1 + g % 1000], 'customer-' || (g % 1000), 'order-' || g, 100 + g % 5000,
          'USD', 'web', false, false, now() - make_interval(secs => (g * 5) % 5184000)
        from generate_series(${from}::int, ${to}::int) g, c`);
      if (args.verbose) console.log(`  ${to} redemptions`);
    }
    await db.execute(sql`analyze redemptions`);
    console.log(
      `seeded ${REDEMPTIONS.toLocaleString("en-US")} redemptions in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    const [sample] = [
      ...(await db.execute<{ coupon_id: string; customer_id: string; order_id: string }>(
        sql`select coupon_id, customer_id, order_id from redemptions limit 1`,
      )),
    ];
    const redemptions = (input: Parameters<typeof caller.admin.redemptions.list>[0]) => async () =>
      (await caller.admin.redemptions.list(input)).items.length;
    let deep: string | null = null;
    for (let page = 0; page < 100; page += 1)
      deep = (await caller.admin.redemptions.list({ cursor: deep, limit: 25 })).nextCursor;
    const day = 86_400_000;
    const redemptionRows = [
      await measure("baseline: select 1 (one Postgres round trip)", async () => {
        await db.execute(sql`select 1`);
        return 1;
      }),
      await measure(
        "baseline: OFFSET 500000 LIMIT 25 by created_at (raw SQL)",
        async () =>
          [
            ...(await db.execute(
              sql`select id from redemptions order by created_at desc, id desc offset 500000 limit 25`,
            )),
          ].length,
      ),
      await measure("first page, newest first", redemptions({})),
      await measure("page 101 (keyset cursor, 2,500 rows in)", redemptions({ cursor: deep })),
      await measure("by coupon", redemptions({ couponId: sample!.coupon_id })),
      await measure("by customer", redemptions({ customerId: sample!.customer_id })),
      await measure("by order", redemptions({ orderId: sample!.order_id })),
      await measure("by code (exact, any case)", redemptions({ code: "bench7" })),
      await measure(
        "date range: a week 30 days ago",
        redemptions({ from: new Date(Date.now() - 37 * day), to: new Date(Date.now() - 30 * day) }),
      ),
      await measure(
        "by customer and date range",
        redemptions({ customerId: sample!.customer_id, from: new Date(Date.now() - 20 * day) }),
      ),
    ];
    print(`admin.redemptions.list over ${REDEMPTIONS.toLocaleString("en-US")} redemptions`, 200, redemptionRows);
  }
}

runBenchmark(main);
