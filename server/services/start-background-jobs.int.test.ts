import { randomBytes, randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, expect, it } from "vitest";
import { encryptCode } from "@/server/crypto/code-secrets";
import { getDb } from "@/server/db/client";
import { startBackgroundJobs } from "./start-background-jobs";

afterAll(async () => {
  await (await startBackgroundJobs()).stop({ graceful: false, wait: true });
});

it("the pg-boss reconciliation job expires stale locks, logs the repair and refreshes the reporting counters", async () => {
  const [admin] = await getDb().execute<{ id: string }>(sql`select id from users where email = 'admin@demo.test'`);
  const couponId = randomUUID();
  const codeId = randomUUID();
  await getDb().execute(
    sql`insert into coupons (id, name, kind, value, created_by) values (${couponId}, 'counted', 'PERCENT', 500, ${admin!.id})`,
  );
  await getDb().execute(
    // A real sealed code: admin lists running beside this file (the access matrix) decrypt every code they show.
    sql`insert into codes (id, coupon_id, lookup_hash, code_encrypted, kind) values (${codeId}, ${couponId}, ${randomBytes(32)}, ${encryptCode(`COUNTED-${codeId.slice(0, 8)}`)}, 'SHARED')`,
  );
  for (const [order, amount, voided] of [
    ["o1", 300, false],
    ["o2", 200, false],
    ["o3", 999, true],
  ] as const) {
    await getDb()
      .execute(sql`insert into redemptions (coupon_id, code_id, customer_id, order_id, amount, currency, per_user_unique, code_single_use, voided_at, uses_restored)
      values (${couponId}, ${codeId}, 'counted-customer', ${order}, ${amount}, 'USD', false, false, ${voided ? sql`now()` : null}, ${voided})`);
  }
  const lockId = randomUUID();
  await getDb().execute(sql`insert into locks (id, customer_id, status, expires_at, cart, quote)
    values (${lockId}, 'job-test', 'ACTIVE', now() - interval '1 minute', '{}'::jsonb, '{}'::jsonb)`);
  await startBackgroundJobs();
  await expect
    .poll(
      async () =>
        (await getDb().execute<{ status: string }>(sql`select status from locks where id = ${lockId}`))[0]?.status,
      { timeout: 20_000, interval: 250 },
    )
    .toBe("EXPIRED");
  const [repair] = await getDb().execute<{ n: number }>(
    sql`select count(*)::int as n from gate_repairs where kind = 'expire-locks' and detail->'lockIds' ? ${lockId}`,
  );
  expect(repair?.n).toBe(1);
  await expect
    .poll(
      async () =>
        (
          await getDb().execute<{ redemptions: number; voided: number; discount_total: number }>(
            sql`select redemptions, voided, discount_total::int from coupon_counters where coupon_id = ${couponId}`,
          )
        )[0],
      { timeout: 20_000, interval: 250 },
    )
    .toEqual({ redemptions: 2, voided: 1, discount_total: 500 });
}, 30_000);
