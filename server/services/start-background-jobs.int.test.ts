import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, expect, it } from "vitest";
import { getDb } from "@/server/db/client";
import { startBackgroundJobs } from "./start-background-jobs";

afterAll(async () => {
  await (await startBackgroundJobs()).stop({ graceful: false, wait: true });
});

it("the pg-boss reconciliation job expires stale locks and logs the repair", async () => {
  const lockId = randomUUID();
  await getDb().execute(sql`insert into locks (id, customer_id, status, expires_at, cart, quote)
    values (${lockId}, 'job-test', 'ACTIVE', now() - interval '1 minute', '{}'::jsonb, '{}'::jsonb)`);
  await startBackgroundJobs();
  await expect
    .poll(async () => (await getDb().execute<{ status: string }>(sql`select status from locks where id = ${lockId}`))[0]?.status, { timeout: 20_000, interval: 250 })
    .toBe("EXPIRED");
  const [repair] = await getDb().execute<{ n: number }>(sql`select count(*)::int as n from gate_repairs where kind = 'expire-locks' and detail->'lockIds' ? ${lockId}`);
  expect(repair?.n).toBe(1);
}, 30_000);
