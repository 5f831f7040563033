/**
 * `npm run bench:codes`: makes N (default 1,000,000) unique codes durable through the real bulk
 * generation job (admin.codes.generate's service, run by the pg-boss worker in this process, as the
 * Next server runs it), then, in the same run and on the same fresh embedded Postgres, a raw COPY of
 * N rows of the same shape (look-up hash, encrypted code, coupon, kind, limit, job) into the same
 * table, the floor any writer could reach. Between the two the table is emptied and rewritten
 * (VACUUM FULL), so both start from the same state. Prints both times, the ratio and the peak RSS.
 *
 * Redis: a new code needs no Redis state. The gate keeps a code's uses in its coupon's hash only
 * once used (absent = 0), the coupon's state is loaded on first use, and a code is looked up by its
 * HMAC in Postgres (the 30 s "missing" cache is for codes nobody has made). So "durable" is all a
 * generated code needs to be redeemable at once; nothing is warmed.
 *
 * A benchmark, not a test: it never fails on timing. It exits 1 when the job does not complete or
 * a count is wrong.
 *
 *   tsx tools/bench/codes.ts [--count 1000000] [--verbose]
 */
import { randomBytes } from "node:crypto";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { runBenchmark, startInProcessBench } from "./harness";

const USAGE = "usage: tsx tools/bench/codes.ts [--count 1000000] [--verbose]";

function memorySampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return {
    stop(): number {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { count: { type: "string", default: "1000000" }, verbose: { type: "boolean", default: false } },
  });
  const count = Number(values.count);
  if (!Number.isInteger(count) || count < 1 || count > 1_000_000) {
    console.error(`--count must be a whole number from 1 to 1000000\n${USAGE}`);
    return 2;
  }
  await startInProcessBench(`bench:codes · ${count.toLocaleString("en-US")} codes`, {
    verbose: values.verbose,
  });
  // The app's modules read the environment when first used: import them only now.
  const { sql } = await import("drizzle-orm");
  const { getDb } = await import("@/server/db/client");
  const { startBackgroundJobs } = await import("@/server/services/start-background-jobs");
  const { startCodeGeneration } = await import("@/server/services/start-code-generation");
  const { getCodeJob } = await import("@/server/services/get-code-job");
  const { generateCodesInput } = await import("@/server/domain/code-job-inputs");
  const db = getDb();

  const [admin] = await db.execute<{ id: string }>(sql`select id from users where email = 'admin@demo.test'`);
  const [coupon] = await db.execute<{ id: string }>(
    sql`insert into coupons (name, kind, value) values ('bench:codes', 'PERCENT', 1000) returning id`,
  );
  const boss = await startBackgroundJobs();

  // 1. The generation job, end to end: queued through pg-boss, picked up, sealed, written, COMPLETED.
  const memory = memorySampler();
  const jobStarted = performance.now();
  const queued = await startCodeGeneration(generateCodesInput.parse({ couponId: coupon!.id, count }), {
    userId: admin!.id,
  });
  let lastPercent = -1;
  let job = await getCodeJob(queued.id);
  while (job.status === "QUEUED" || job.status === "RUNNING") {
    await new Promise((resolve) => setTimeout(resolve, 200));
    job = await getCodeJob(queued.id);
    if (values.verbose && job.percent !== lastPercent) console.log(`  ${job.percent} % (${job.codesPerSecond ?? 0}/s)`);
    lastPercent = job.percent;
  }
  const jobMs = performance.now() - jobStarted;
  const jobRss = memory.stop();
  const workerMs = job.finishedAt && job.startedAt ? job.finishedAt.getTime() - job.startedAt.getTime() : NaN;
  const [made] = await db.execute<{ n: number }>(sql`select count(*)::int as n from codes where job_id = ${queued.id}`);
  if (job.status !== "COMPLETED" || made!.n !== count) {
    console.error(`the job ended ${job.status} with ${made!.n} codes: ${job.message ?? ""}`);
    return 1;
  }
  await boss.stop({ graceful: true, wait: true });

  // Same starting point for the COPY: no codes, the table and its indexes rewritten.
  await db.execute(sql`delete from codes where job_id = ${queued.id}`);
  await db.execute(sql`vacuum full analyze codes`);

  // 2. A raw COPY of the same number of rows of the same shape (random bytes of the same sizes).
  const [rawJob] = await db.execute<{ id: string }>(
    sql`insert into code_jobs (kind, status, coupon_id, params, total) values ('GENERATE', 'COMPLETED', ${coupon!.id}, '{}', ${count}) returning id`,
  );
  const copyMemory = memorySampler();
  const copyStarted = performance.now();
  const writable =
    await db.$client`copy codes (coupon_id, lookup_hash, code_encrypted, kind, max_redemptions, job_id) from stdin`.writable();
  const prefix = `${coupon!.id}\t\\\\x`;
  const tail = `\tUNIQUE\t1\t${rawJob!.id}\n`;
  const BATCH = 10_000;
  for (let done = 0; done < count; done += BATCH) {
    const rows = Math.min(BATCH, count - done);
    const hashes = randomBytes(32 * rows).toString("hex");
    const sealed = randomBytes(38 * rows).toString("hex"); // 12 iv + 16 tag + 10 characters, as the job's
    let text = "";
    for (let i = 0; i < rows; i += 1)
      text += `${prefix}${hashes.slice(i * 64, i * 64 + 64)}\t\\\\x${sealed.slice(i * 76, i * 76 + 76)}${tail}`;
    if (!writable.write(text)) await new Promise((resolve) => writable.once("drain", resolve));
  }
  await new Promise<void>((resolve, reject) => {
    writable.once("error", reject);
    writable.end(() => resolve());
  });
  const copyMs = performance.now() - copyStarted;
  const copyRss = copyMemory.stop();
  const [copied] = await db.execute<{ n: number }>(
    sql`select count(*)::int as n from codes where job_id = ${rawJob!.id}`,
  );
  if (copied!.n !== count) {
    console.error(`the raw COPY wrote ${copied!.n} rows`);
    return 1;
  }

  console.log("");
  console.log("| what                                                   | time      | codes/s   | peak RSS |");
  console.log("| ------------------------------------------------------ | --------- | --------- | -------- |");
  const line = (what: string, ms: number, rss: number) =>
    console.log(
      `| ${what.padEnd(54)} | ${seconds(ms).padStart(9)} | ${Math.round(count / (ms / 1000))
        .toLocaleString("en-US")
        .padStart(9)} | ${mb(rss).padStart(8)} |`,
    );
  line("generation job, queued -> COMPLETED (pg-boss worker)", jobMs, jobRss);
  line("  of which the worker (claim -> commit)", workerMs, jobRss);
  line("raw COPY of the same rows into codes", copyMs, copyRss);
  console.log("");
  console.log(
    `ratio job / raw COPY: ${(jobMs / copyMs).toFixed(2)}x (worker only ${(workerMs / copyMs).toFixed(2)}x) · target <= 2.5x`,
  );
  console.log(
    `peak RSS of this process (worker + bench): ${mb(Math.max(jobRss, copyRss))} (process max ${mb(process.resourceUsage().maxRSS * 1024)}) · target < 500 MB`,
  );
  console.log(
    `load average at end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  return 0;
}

runBenchmark(main);
