import PgBoss from "pg-boss";
import { getDb } from "@/server/db/client";
import { toPgBossDb } from "@/server/db/pg-boss-db";

/** The pg-boss queue of bulk generation and import jobs (worker: start-background-jobs.ts). */
export const CODE_JOBS_QUEUE = "code-jobs";
/** A job that runs longer than this is expired by pg-boss (1,000,000 codes take well under a minute). */
export const CODE_JOB_EXPIRE_SECONDS = 3_600;

const globalForSender = globalThis as unknown as { couponJobSender?: PgBoss };

/**
 * Hands a code job to pg-boss under the job's own id (so the queue entry and the code_jobs row
 * are one job). No retries: a job that failed halfway rolled back and is reported FAILED.
 */
export async function enqueueCodeJob(jobId: string): Promise<void> {
  // Never started: it only inserts jobs through our pool (pg-boss's `db` option).
  globalForSender.couponJobSender ??= new PgBoss({ db: toPgBossDb(getDb()), schema: "pgboss" });
  const sent = await globalForSender.couponJobSender.send(
    CODE_JOBS_QUEUE,
    { jobId },
    { id: jobId, retryLimit: 0, expireInSeconds: CODE_JOB_EXPIRE_SECONDS },
  );
  if (sent === null) throw new Error(`pg-boss did not accept code job ${jobId}`);
}
