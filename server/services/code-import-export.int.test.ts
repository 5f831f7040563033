import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import { getDb } from "@/server/db/client";
import { listAuditInput } from "@/server/domain/admin-inputs";
import { importCodesInput } from "@/server/domain/code-job-inputs";
import { createCodeExport } from "./create-code-export";
import { makeTestCoupon } from "./gate-test-fixtures";
import { getCodeJob } from "./get-code-job";
import { listAuditEntries } from "./list-audit-entries";
import { startCodeJobsWorker } from "./code-jobs.fixtures";
import { startCodeImport } from "./start-code-import";
import { storeUpload } from "./store-upload";
import { streamCodeExport } from "./stream-code-export";
import { streamCodeJobErrors } from "./stream-code-job-errors";

let adminId: string;

beforeAll(async () => {
  const [admin] = await getDb().execute<{ id: string }>(sql`select id from users where email = 'admin@demo.test'`);
  adminId = admin!.id;
  worker ??= await startCodeJobsWorker();
});

let worker: Awaited<ReturnType<typeof startCodeJobsWorker>> | undefined;

afterAll(async () => {
  await worker?.stop({ graceful: false, wait: true });
});

async function* pieces(text: string, size = 7) {
  for (let i = 0; i < text.length; i += size) yield Buffer.from(text.slice(i, i + size));
}

async function importFile(couponId: string, text: string) {
  const { uploadId } = await storeUpload(pieces(text), { filename: "codes.csv", userId: adminId });
  const queued = await startCodeImport(importCodesInput.parse({ couponId, uploadId }), {
    userId: adminId,
    email: "admin@demo.test",
  });
  await expect
    .poll(async () => (await getCodeJob(queued.id)).status, { timeout: 30_000, interval: 200 })
    .not.toMatch(/QUEUED|RUNNING/);
  return getCodeJob(queued.id);
}

/** The job's audit trail, oldest first, as admin.audit.list shows it. */
async function auditActions(jobId: string) {
  const { items } = await listAuditEntries(listAuditInput.parse({ targetType: "code_job", targetId: jobId }));
  return items.reverse().map((e) => [e.action, e.actorEmail, e.after]);
}

async function collect(stream: AsyncIterable<string>): Promise<string> {
  let text = "";
  for await (const piece of stream) text += piece;
  return text;
}

const tag = Date.now().toString(36).toUpperCase();

describe("import", () => {
  it("imports every line of a good file (header, case and spaces normalised) and exports them through a one-time link", async () => {
    const { couponId } = await makeTestCoupon(adminId, "IMP", {});
    const job = await importFile(couponId, `code\nimp-${tag}-one\r\n  IMP${tag}TWO  \n\n"IMP-${tag}-3"\n`);
    expect(job).toMatchObject({ status: "COMPLETED", errorCount: 0, total: 5 });
    const [row] = await getDb().execute<{ n: number }>(
      sql`select count(*)::int as n from codes where job_id = ${job.id} and kind = 'UNIQUE' and max_redemptions = 1`,
    );
    expect(row!.n).toBe(3);

    const { url } = await createCodeExport({ jobId: job.id }, { userId: adminId, email: "admin@demo.test" });
    const token = url.split("/").pop()!;
    const csv = await collect(await streamCodeExport(token));
    const records = parse(csv, { columns: true }) as Array<Record<string, string>>;
    expect(records.map((r) => r.code).sort()).toEqual([`IMP-${tag}-3`, `IMP-${tag}-ONE`, `IMP${tag}TWO`].sort());
    expect(records[0]).toMatchObject({ kind: "UNIQUE", status: "ACTIVE", max_redemptions: "1", redeemed: "0" });
    await expect(streamCodeExport(token)).rejects.toThrow(/used already or has expired/);
    expect(await auditActions(job.id)).toEqual([
      ["codes.import", "admin@demo.test", expect.objectContaining({ couponId, lines: 5, kind: "UNIQUE" })],
      ["codes.import.completed", "admin@demo.test", { imported: 3 }],
      ["codes.export", "admin@demo.test", expect.objectContaining({ target: { jobId: job.id } })],
    ]);
  });

  it("a file with a bad line, a duplicate and an existing code imports nothing and reports each line", async () => {
    const { couponId, code: existing } = await makeTestCoupon(adminId, "IMX", {});
    const job = await importFile(
      couponId,
      [`IMX${tag}AAAA`, "bad code!", `imx-${tag}-aaaa`, existing, `IMX${tag}BBBB`, "ab"].join("\n"),
    );
    expect(job.status).toBe("FAILED");
    expect(job.errorCount).toBe(4);
    expect(job.message).toMatch(/4 of 6 lines were refused; nothing was imported/);
    expect(job.errors).toEqual([
      { line: 2, error: expect.stringMatching(/^INVALID_FORMAT/), value: "bad code!" },
      { line: 3, error: "DUPLICATE_IN_FILE: first on line 1", value: `IMX-${tag}-AAAA` },
      { line: 4, error: "ALREADY_EXISTS", value: existing },
      { line: 6, error: expect.stringMatching(/^INVALID_FORMAT/), value: "ab" },
    ]);
    const [row] = await getDb().execute<{ n: number }>(
      sql`select count(*)::int as n from codes where job_id = ${job.id}`,
    );
    expect(row!.n).toBe(0);
    const report = parse(await collect(streamCodeJobErrors(job.id)), { columns: true }) as Array<
      Record<string, string>
    >;
    expect(report.map((r) => r.line)).toEqual(["2", "3", "4", "6"]);
    // The refusal commits with its audit entry (no code does).
    expect((await auditActions(job.id)).map(([action]) => action)).toEqual(["codes.import", "codes.import.failed"]);
    expect((await auditActions(job.id))[1]![2]).toMatchObject({ status: "FAILED", errorCount: 4 });
  });

  it("a file that is not CSV fails with a clear message", async () => {
    const { couponId } = await makeTestCoupon(adminId, "IMQ", {});
    const job = await importFile(couponId, `IMQ${tag}AAAA\n"unclosed\n`);
    expect(job.status).toBe("FAILED");
    expect(job.message).toMatch(/not valid CSV/);
  });
});
