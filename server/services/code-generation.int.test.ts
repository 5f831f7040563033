import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptCode, hashCodeForLookup } from "@/server/crypto/code-secrets";
import { getDb } from "@/server/db/client";
import { insertCodeJob } from "@/server/db/queries/code-jobs";
import { listAuditInput } from "@/server/domain/admin-inputs";
import { generateCodesInput } from "@/server/domain/code-job-inputs";
import { cancelCodeJob } from "./cancel-code-job";
import { failStalledCodeJobs } from "./fail-stalled-code-jobs";
import { makeTestCoupon } from "./gate-test-fixtures";
import { getCodeJob } from "./get-code-job";
import { listAuditEntries } from "./list-audit-entries";
import { runCodeGeneration } from "./run-code-generation";
import { startCodeJobsWorker } from "./code-jobs.fixtures";
import { startCodeGeneration } from "./start-code-generation";

let adminId: string;

beforeAll(async () => {
  const [admin] = await getDb().execute<{ id: string }>(sql`select id from users where email = 'admin@demo.test'`);
  adminId = admin!.id;
});

let worker: Awaited<ReturnType<typeof startCodeJobsWorker>> | undefined;

afterAll(async () => {
  await worker?.stop({ graceful: false, wait: true });
});

const ADMIN = () => ({ userId: adminId, email: "admin@demo.test" });

/** The job's audit trail, oldest first, as admin.audit.list shows it. */
async function auditTrail(jobId: string) {
  const { items } = await listAuditEntries(listAuditInput.parse({ targetType: "code_job", targetId: jobId }));
  return items.reverse().map((e) => ({ action: e.action, actorEmail: e.actorEmail, after: e.after }));
}

async function countJobCodes(jobId: string): Promise<number> {
  const [row] = await getDb().execute<{ n: number }>(sql`select count(*)::int as n from codes where job_id = ${jobId}`);
  return row!.n;
}

/** A deterministic byte source: the same seed yields the same codes (to force collisions). */
function seededBytes(seed: string) {
  let counter = 0;
  return (n: number) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 32) {
      out.set(
        createHash("sha256")
          .update(`${seed}:${counter++}`)
          .digest()
          .subarray(0, Math.min(32, n - i)),
        i,
      );
    }
    return out;
  };
}

async function queueJob(couponId: string, count: number, extra: Record<string, unknown> = {}) {
  return startCodeGeneration(generateCodesInput.parse({ couponId, count, ...extra }), {
    userId: adminId,
    email: "admin@demo.test",
  });
}

/** A job row the test runs itself (not handed to pg-boss, whose worker would race the test for it). */
async function jobRow(couponId: string, count: number): Promise<{ id: string }> {
  return insertCodeJob(getDb(), {
    kind: "GENERATE",
    couponId,
    params: { count, maxRedemptions: 1 },
    total: count,
    createdBy: adminId,
  });
}

describe("bulk generation", () => {
  it("runs as a pg-boss job: every code sealed (HMAC + AES-GCM), progress to 100 %", async () => {
    const { couponId } = await makeTestCoupon(adminId, "GEN", {});
    worker ??= await startCodeJobsWorker();
    const queued = await queueJob(couponId, 5_000, { pattern: "SALE-####-####", suffix: "X" });
    expect(queued.status).toBe("QUEUED");
    await expect
      .poll(async () => (await getCodeJob(queued.id)).status, { timeout: 30_000, interval: 200 })
      .toBe("COMPLETED");
    const job = await getCodeJob(queued.id);
    expect(job).toMatchObject({ done: 5_000, total: 5_000, percent: 100 });
    expect(job.codesPerSecond).toBeGreaterThan(0);
    expect(await countJobCodes(queued.id)).toBe(5_000);
    // Submitted, then completed: both in the audit log, by the admin who started it.
    expect(await auditTrail(queued.id)).toEqual([
      {
        action: "codes.generate",
        actorEmail: "admin@demo.test",
        after: expect.objectContaining({ couponId, count: 5_000, pattern: "SALE-####-####" }),
      },
      { action: "codes.generate.completed", actorEmail: "admin@demo.test", after: { made: 5_000, collisions: 0 } },
    ]);
    const rows = await getDb().execute<{ lookup_hash: Buffer; code_encrypted: Buffer; kind: string; max: number }>(
      sql`select lookup_hash, code_encrypted, kind, max_redemptions as max from codes where job_id = ${queued.id} limit 50`,
    );
    for (const row of rows) {
      const code = decryptCode(row.code_encrypted);
      expect(code).toMatch(/^SALE-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}X$/);
      expect(hashCodeForLookup(code.replaceAll("-", "")).equals(row.lookup_hash)).toBe(true);
      expect(row.kind).toBe("UNIQUE");
      expect(row.max).toBe(1);
    }
  });

  it("draws again the codes that collide with existing ones (ON CONFLICT DO NOTHING)", async () => {
    const { couponId } = await makeTestCoupon(adminId, "COL", {});
    const first = await jobRow(couponId, 10);
    await runCodeGeneration(first.id, { chunkSize: 10, randomBytes: seededBytes("same") });
    const second = await jobRow(couponId, 10);
    await runCodeGeneration(second.id, { chunkSize: 10, randomBytes: seededBytes("same") });
    const job = await getCodeJob(second.id);
    expect(job.status).toBe("COMPLETED");
    expect(job.message).toBe("10 drawn codes collided and were drawn again.");
    expect(await countJobCodes(first.id)).toBe(10);
    expect(await countJobCodes(second.id)).toBe(10);
  });

  it("refuses a guessable pattern before queueing", () => {
    const parsed = generateCodesInput.safeParse({ couponId: crypto.randomUUID(), count: 1_000_000, length: 6 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/guessable/);
  });

  it("a job cancelled while running keeps none of its codes", async () => {
    const { couponId } = await makeTestCoupon(adminId, "CAN", {});
    const queued = await jobRow(couponId, 5_000);
    await runCodeGeneration(queued.id, {
      chunkSize: 500,
      afterChunk: async (made) => {
        if (made === 1_000) await cancelCodeJob(queued.id, ADMIN());
      },
    });
    const job = await getCodeJob(queued.id);
    expect(job.status).toBe("CANCELLED");
    expect(job.done).toBe(1_000);
    expect(await countJobCodes(queued.id)).toBe(0);
    await expect(cancelCodeJob(queued.id, ADMIN())).rejects.toThrow(/already ended/);
    // The cancel request (by the admin) and the job's end, once each: the refused second cancel wrote nothing.
    expect((await auditTrail(queued.id)).map((e) => [e.action, e.after])).toEqual([
      ["jobs.cancel", { status: "CANCEL_REQUESTED" }],
      ["codes.generate.cancelled", expect.objectContaining({ status: "CANCELLED" })],
    ]);
  });

  it("a job cancelled before it starts never runs", async () => {
    const { couponId } = await makeTestCoupon(adminId, "CAQ", {});
    const row = await jobRow(couponId, 10);
    expect((await cancelCodeJob(row!.id, ADMIN())).status).toBe("CANCELLED");
    expect((await auditTrail(row!.id)).map((e) => [e.action, e.after])).toEqual([
      ["jobs.cancel", { status: "CANCELLED" }],
    ]);
    await runCodeGeneration(row!.id);
    expect(await countJobCodes(row!.id)).toBe(0);
  });

  it("a job that fails midway (here: an error after 1,000 codes) leaves no codes, and says FAILED", async () => {
    const { couponId } = await makeTestCoupon(adminId, "CRA", {});
    const queued = await jobRow(couponId, 3_000);
    await runCodeGeneration(queued.id, {
      chunkSize: 1_000,
      afterChunk: async (made) => {
        if (made === 1_000) throw new Error("simulated crash");
      },
    });
    const job = await getCodeJob(queued.id);
    expect(job.status).toBe("FAILED");
    expect(job.message).toMatch(/none of its codes were kept/);
    expect(await countJobCodes(queued.id)).toBe(0);
    expect((await auditTrail(queued.id)).map((e) => [e.action, e.actorEmail, e.after?.status])).toEqual([
      ["codes.generate.failed", "admin@demo.test", "FAILED"],
    ]);
  });

  it("a RUNNING job whose worker vanished (no heartbeat) reads as FAILED", async () => {
    const { couponId } = await makeTestCoupon(adminId, "STL", {});
    const [row] = await getDb().execute<{ id: string }>(
      sql`insert into code_jobs (kind, coupon_id, params, total, status, started_at, updated_at)
          values ('GENERATE', ${couponId}, '{}', 10, 'RUNNING', now() - interval '10 minutes', now() - interval '10 minutes') returning id`,
    );
    const job = await getCodeJob(row!.id);
    expect(job.status).toBe("FAILED");
    expect(job.message).toMatch(/worker stopped/);
  });

  it("the reconciliation ends a job whose worker vanished for good: FAILED, audited, job.finished once; a live one is left alone", async () => {
    const { couponId } = await makeTestCoupon(adminId, "STF", {});
    const insertJob = async (heartbeat: ReturnType<typeof sql>) => {
      const [row] = await getDb().execute<{ id: string }>(
        sql`insert into code_jobs (kind, coupon_id, params, total, status, created_by, started_at, updated_at)
            values ('GENERATE', ${couponId}, '{}', 10, 'RUNNING', ${adminId}, now() - interval '10 minutes', ${heartbeat}) returning id`,
      );
      return row!.id;
    };
    const stalledId = await insertJob(sql`now() - interval '10 minutes'`);
    const liveId = await insertJob(sql`now()`);
    const finishedEvents = async (jobId: string) =>
      (
        await getDb().execute<{ n: number }>(
          sql`select count(*)::int as n from events where type = 'job.finished' and data->>'jobId' = ${jobId}`,
        )
      )[0]!.n;

    const failed = await failStalledCodeJobs();
    expect(failed).toContain(stalledId);
    expect(failed).not.toContain(liveId);
    // Again: nothing more to end, nothing announced twice.
    expect(await failStalledCodeJobs()).not.toContain(stalledId);

    const [stored] = await getDb().execute<{ status: string; finished: boolean }>(
      sql`select status, finished_at is not null as finished from code_jobs where id = ${stalledId}`,
    );
    expect(stored).toEqual({ status: "FAILED", finished: true });
    expect((await getCodeJob(stalledId)).message).toMatch(/worker stopped/);
    expect(await finishedEvents(stalledId)).toBe(1);
    expect((await auditTrail(stalledId)).map((e) => [e.action, e.actorEmail, e.after?.status])).toEqual([
      ["codes.generate.failed", "admin@demo.test", "FAILED"],
    ]);
    expect((await getCodeJob(liveId)).status).toBe("RUNNING");
    expect(await finishedEvents(liveId)).toBe(0);
  });
});
