import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { getDb } from "@/server/db/client";
import { insertCodeJob } from "@/server/db/queries/code-jobs";
import { analyticsInput } from "@/server/domain/code-job-inputs";
import { makeTestCoupon } from "./gate-test-fixtures";
import { getAnalyticsSummary } from "./get-analytics-summary";
import { getAnalyticsTimeseries } from "./get-analytics-timeseries";
import { refreshAnalytics } from "./refresh-analytics";
import { runCodeGeneration } from "./run-code-generation";

let adminId: string;

beforeAll(async () => {
  const [admin] = await getDb().execute<{ id: string }>(sql`select id from users where email = 'admin@demo.test'`);
  adminId = admin!.id;
});

async function redeem(couponId: string, codeId: string, amount: number, channel: string | null, daysAgo: number) {
  const [row] = await getDb().execute<{ id: string }>(sql`
    insert into redemptions (coupon_id, code_id, customer_id, order_id, amount, currency, channel, per_user_unique, code_single_use, created_at)
    values (${couponId}, ${codeId}, 'analytics', ${randomUUID()}, ${amount}, 'USD', ${channel}, false, false,
      now() - make_interval(days => ${daysAgo})) returning id`);
  return row!.id;
}

const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

it("counts redemptions, discount, channels, top coupons and the redemption rate from the pre-aggregated tables, incrementally", async () => {
  const { couponId } = await makeTestCoupon(adminId, "ANA", {});
  const job = await insertCodeJob(getDb(), {
    kind: "GENERATE",
    couponId,
    params: { count: 8, maxRedemptions: 1 },
    total: 8,
    createdBy: adminId,
  });
  await runCodeGeneration(job.id);
  const unique = await getDb().execute<{ id: string }>(sql`select id from codes where job_id = ${job.id} order by id`);
  await redeem(couponId, unique[0]!.id, 300, "web", 0);
  await redeem(couponId, unique[1]!.id, 200, "app", 0);
  const voidMe = await redeem(couponId, unique[2]!.id, 999, "web", 2);
  // A back-dated row is older than the last run's mark (other test files run the refresh too): count all.
  await refreshAnalytics({ full: true });

  const input = analyticsInput.parse({ couponId, from: day(6), to: day(0) });
  let summary = await getAnalyticsSummary(input);
  expect(summary).toMatchObject({
    redemptions: 3,
    voided: 0,
    discountByCurrency: [{ currency: "USD", amount: 1499 }],
    redemptionRate: { redeemed: 3, issued: 8, rate: 3 / 8 },
    topCoupons: [{ couponId, redemptions: 3, discount: 1499 }],
  });
  expect(summary.byChannel).toEqual([
    { channel: "web", redemptions: 2, discount: 1299 },
    { channel: "app", redemptions: 1, discount: 200 },
  ]);
  const series = await getAnalyticsTimeseries(input);
  expect(series.points).toHaveLength(7);
  expect(series.points.at(-1)).toEqual({ day: day(0), redemptions: 2, voided: 0, discount: 500 });
  expect(series.points.at(-3)).toEqual({ day: day(2), redemptions: 1, voided: 0, discount: 999 });

  // A void and a new redemption after the last run: the next run counts only what changed.
  await getDb().execute(sql`update redemptions set voided_at = now(), uses_restored = true where id = ${voidMe}`);
  await redeem(couponId, unique[3]!.id, 100, null, 0);
  const ran = await refreshAnalytics();
  expect(ran.days).toBeGreaterThanOrEqual(2); // other test files may redeem meanwhile
  summary = await getAnalyticsSummary(input);
  expect(summary).toMatchObject({ redemptions: 3, voided: 1, discountByCurrency: [{ currency: "USD", amount: 600 }] });
  expect(summary.byChannel.find((c) => c.channel === "unknown")).toEqual({
    channel: "unknown",
    redemptions: 1,
    discount: 100,
  });
  expect((await getAnalyticsTimeseries(analyticsInput.parse({ couponId, channel: "web" }))).points.at(-3)).toEqual({
    day: day(2),
    redemptions: 0,
    voided: 1,
    discount: 0,
  });
});

it("refuses a range over 366 days and a range that ends before it starts", () => {
  expect(analyticsInput.safeParse({ from: "2024-01-01", to: "2025-06-01" }).success).toBe(false);
  expect(analyticsInput.safeParse({ from: "2025-06-02", to: "2025-06-01" }).success).toBe(false);
  expect(analyticsInput.parse({ to: "2025-06-30" })).toMatchObject({ from: "2025-06-01", to: "2025-06-30" });
});
