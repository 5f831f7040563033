import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type postgres from "postgres";
import type { Executor } from "../client";
import { codeJobErrors, codeJobs, type CodeJobRow } from "../schema";

export type NewCodeJob = typeof codeJobs.$inferInsert;

/** A RUNNING job whose heartbeat is older than this has lost its worker (crash, restart). */
export const STALLED_AFTER_SECONDS = 120;

export async function insertCodeJob(db: Executor, values: NewCodeJob): Promise<CodeJobRow> {
  const [row] = await db.insert(codeJobs).values(values).returning();
  if (!row) throw new Error("insert into code_jobs returned nothing");
  return row;
}

/**
 * The job as a reader sees it: a RUNNING job without a recent heartbeat is reported FAILED
 * (its transaction died with its worker, so none of its codes exist).
 */
export async function findCodeJob(db: Executor, jobId: string) {
  const [row] = await db
    .select({
      id: codeJobs.id,
      kind: codeJobs.kind,
      status: sql<
        CodeJobRow["status"]
      >`case when ${codeJobs.status} = 'RUNNING' and ${codeJobs.updatedAt} < now() - make_interval(secs => ${STALLED_AFTER_SECONDS}) then 'FAILED'::code_job_status else ${codeJobs.status} end`,
      stalled: sql<boolean>`${codeJobs.status} = 'RUNNING' and ${codeJobs.updatedAt} < now() - make_interval(secs => ${STALLED_AFTER_SECONDS})`,
      couponId: codeJobs.couponId,
      bookId: codeJobs.bookId,
      params: codeJobs.params,
      total: codeJobs.total,
      done: codeJobs.done,
      cancelRequested: codeJobs.cancelRequested,
      errorCount: codeJobs.errorCount,
      message: codeJobs.message,
      createdAt: codeJobs.createdAt,
      startedAt: codeJobs.startedAt,
      updatedAt: codeJobs.updatedAt,
      finishedAt: codeJobs.finishedAt,
      now: sql<Date>`now()`.mapWith((value: string | Date) => new Date(value)),
    })
    .from(codeJobs)
    .where(eq(codeJobs.id, jobId));
  return row;
}

/** QUEUED -> RUNNING, once: a job cancelled before it started, or already taken, is not run. */
export async function claimCodeJob(db: Executor, jobId: string): Promise<CodeJobRow | undefined> {
  const [row] = await db
    .update(codeJobs)
    .set({ status: "RUNNING", startedAt: sql`now()`, updatedAt: sql`now()`, done: 0 })
    .where(and(eq(codeJobs.id, jobId), eq(codeJobs.status, "QUEUED"), eq(codeJobs.cancelRequested, false)))
    .returning();
  return row;
}

/** Progress and heartbeat; answers whether an admin asked to cancel. */
export async function reportCodeJobProgress(db: Executor, jobId: string, done: number): Promise<{ cancel: boolean }> {
  const [row] = await db
    .update(codeJobs)
    .set({ done, updatedAt: sql`now()` })
    .where(eq(codeJobs.id, jobId))
    .returning({ cancel: codeJobs.cancelRequested });
  return { cancel: row?.cancel ?? true };
}

export async function endCodeJob(
  db: Executor,
  jobId: string,
  outcome: { status: "FAILED" | "CANCELLED"; message: string; errorCount?: number },
) {
  await db
    .update(codeJobs)
    .set({
      status: outcome.status,
      message: outcome.message,
      ...(outcome.errorCount !== undefined ? { errorCount: outcome.errorCount } : {}),
      updatedAt: sql`now()`,
      finishedAt: sql`now()`,
    })
    .where(eq(codeJobs.id, jobId));
}

/**
 * COMPLETED, inside the job's own transaction (so the status and the codes commit together),
 * unless an admin asked to cancel meanwhile: then false, and the caller rolls back.
 */
// clock_timestamp(): now() inside the job's transaction is the time it began.
export async function completeCodeJobInTransaction(
  tx: postgres.TransactionSql,
  jobId: string,
  done: number,
  message: string | null,
): Promise<boolean> {
  const result = await tx`
    update code_jobs set status = 'COMPLETED', done = ${done}, message = ${message}, updated_at = clock_timestamp(), finished_at = clock_timestamp()
    where id = ${jobId} and status = 'RUNNING' and not cancel_requested`;
  return result.count === 1;
}

/**
 * Asks a job to stop: a QUEUED job is CANCELLED at once; a RUNNING one stops at its next
 * chunk and rolls back. Returns the status before, or undefined for an unknown job.
 */
// "for no key update": the job's own transaction holds a key-share lock on this row (codes.job_id
// references it); a plain "for update" would wait for the job to finish.
export async function requestCodeJobCancel(db: Executor, jobId: string) {
  const [row] = await db.execute<{ before: CodeJobRow["status"] }>(sql`
    update code_jobs set cancel_requested = true,
      status = case when status = 'QUEUED' then 'CANCELLED'::code_job_status else status end,
      finished_at = case when status = 'QUEUED' then now() else finished_at end,
      message = case when status = 'QUEUED' then 'Cancelled before it started.' else message end
    from (select id, status as before from code_jobs where id = ${jobId} and status in ('QUEUED', 'RUNNING') for no key update) old
    where code_jobs.id = old.id
    returning old.before`);
  return row?.before;
}

export async function insertCodeJobErrors(
  db: Executor,
  rows: Array<{ jobId: string; line: number; error: string; value: string }>,
) {
  if (rows.length === 0) return;
  await db.insert(codeJobErrors).values(rows).onConflictDoNothing();
}

export async function listCodeJobErrors(db: Executor, jobId: string, limit: number, afterLine = 0) {
  return db
    .select({ line: codeJobErrors.line, error: codeJobErrors.error, value: codeJobErrors.value })
    .from(codeJobErrors)
    .where(and(eq(codeJobErrors.jobId, jobId), sql`${codeJobErrors.line} > ${afterLine}`))
    .orderBy(asc(codeJobErrors.line))
    .limit(limit);
}

export async function listRecentCodeJobs(db: Executor, couponIds: string[] | null, limit: number) {
  return db
    .select()
    .from(codeJobs)
    .where(couponIds === null ? undefined : inArray(codeJobs.couponId, couponIds))
    .orderBy(sql`${codeJobs.createdAt} desc`)
    .limit(limit);
}

/** FAILED with its error report, inside the job's transaction (the report commits, no code does). */
export async function failCodeJobInTransaction(
  tx: postgres.TransactionSql,
  jobId: string,
  outcome: { done: number; errorCount: number; message: string },
): Promise<void> {
  await tx`
    update code_jobs set status = 'FAILED', done = ${outcome.done}, error_count = ${outcome.errorCount},
      message = ${outcome.message}, updated_at = clock_timestamp(), finished_at = clock_timestamp()
    where id = ${jobId}`;
}
