import PgBoss from "pg-boss";
import { env } from "@/server/env";
import { CODE_JOBS_QUEUE } from "./enqueue-code-job";
import { runCodeJob } from "./run-code-job";

/**
 * For tests: a pg-boss worker of the code-jobs queue only (what startBackgroundJobs runs, without
 * its reconciliation and analytics schedules, whose singleton windows other test files rely on).
 */
export async function startCodeJobsWorker(): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString: env().DATABASE_URL, schema: "pgboss", max: 2, schedule: false });
  boss.on("error", (error) => console.error("[test jobs] pg-boss:", error));
  await boss.start();
  await boss.createQueue(CODE_JOBS_QUEUE);
  await boss.work<{ jobId: string }>(CODE_JOBS_QUEUE, { pollingIntervalSeconds: 0.5, batchSize: 1 }, async ([job]) => {
    if (job) await runCodeJob(job.data.jobId);
  });
  return boss;
}
