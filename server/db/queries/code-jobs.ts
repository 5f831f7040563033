import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type postgres from "postgres";
import type { Executor } from "../client";
import { codeJobErrors, codeJobs, type CodeJobRow } from "../schema";

export type NewCodeJob = typeof codeJobs.$inferInsert;

/** A RUNNING job whose heartbeat is older than this has lost its worker (crash, restart). */
export const STALLED_AFTER_SECONDS = 120;

/**
 * The outbox (job.finished) for the rows of a CTE `j` (finished code_jobs rows): appended to the
 * statement that finishes the job, so the event commits with the job's end or not at all.
 */
const JOB_FINISHED_EVENT = `insert into events (type, data, created_at)
  select 'job.finished', jsonb_build_object('jobId', j.id, 'kind', j.kind, 'couponId', j.coupon_id, 'bookId', j.book_id,
    'status', j.status, 'total', j.total, 'done', j.done, 'errorCount', j.error_count, 'message', j.message,
    'finishedAt', j.finished_at), clock_timestamp()
  from j`;

export async function insertCodeJob(db: Executor, values: NewCodeJob): Promise<CodeJobRow> {
  const [row] = await db.insert(codeJobs).values(values).returning();
  if (!row) throw new Error("insert into code_jobs returned nothing");
  return row;
}

/** A RUNNING job whose heartbeat is older than STALLED_AFTER_SECONDS: its worker is gone. */
const stalledNow = () =>
  sql`${codeJobs.status} = 'RUNNING' and ${codeJobs.updatedAt} < now() - make_interval(secs => ${STALLED_AFTER_SECONDS})`;

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
      >`case when ${stalledNow()} then 'FAILED'::code_job_status else ${codeJobs.status} end`,
      stalled: sql<boolean>`${stalledNow()}`,
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
  // job.finished only when this call finishes it (a job already ended is not announced twice).
  await db.execute(sql`
    with old as (select id, status as before from code_jobs where id = ${jobId} for update),
    j as (
      update code_jobs set status = ${outcome.status}::code_job_status, message = ${outcome.message},
        error_count = coalesce(${outcome.errorCount ?? null}::int, error_count), updated_at = now(), finished_at = now()
      from old where code_jobs.id = old.id
      returning code_jobs.*, old.before)
    ${sql.raw(JOB_FINISHED_EVENT)} where j.before in ('QUEUED', 'RUNNING')`);
}

/** What a job that lost its worker says (map-code-job shows the same before the sweep persists it). */
export const STALLED_JOB_MESSAGE = "The worker stopped (crash or restart); none of this job's codes were kept.";

/**
 * RUNNING jobs whose heartbeat is older than STALLED_AFTER_SECONDS become FAILED, with their job.finished
 * event, in one statement. The condition is checked again on the row as it is updated, so a job that
 * completed or beat meanwhile is left alone. Returns the jobs it failed.
 */
export async function markStalledCodeJobsFailed(
  db: Executor,
): Promise<Array<{ id: string; kind: CodeJobRow["kind"] }>> {
  return db.execute<{ id: string; kind: CodeJobRow["kind"] }>(sql`
    with j as (
      update code_jobs set status = 'FAILED', message = ${STALLED_JOB_MESSAGE}, updated_at = now(), finished_at = now()
      where ${stalledNow()}
      returning code_jobs.*),
    e as (${sql.raw(JOB_FINISHED_EVENT)})
    select id, kind from j`);
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
  const rows = await tx.unsafe(
    `with j as (
      update code_jobs set status = 'COMPLETED', done = $2, message = $3, updated_at = clock_timestamp(), finished_at = clock_timestamp()
      where id = $1 and status = 'RUNNING' and not cancel_requested
      returning *),
    e as (${JOB_FINISHED_EVENT})
    select id from j`,
    [jobId, done, message],
  );
  return rows.length === 1;
}

/**
 * Asks a job to stop: a QUEUED job is CANCELLED at once; a RUNNING one stops at its next
 * chunk and rolls back. Returns the status before, or undefined for an unknown job.
 */
// "for no key update": the job's own transaction holds a key-share lock on this row (codes.job_id
// references it); a plain "for update" would wait for the job to finish.
export async function requestCodeJobCancel(db: Executor, jobId: string) {
  const [row] = await db.execute<{ before: CodeJobRow["status"] }>(sql`
    with j as (update code_jobs set cancel_requested = true,
      status = case when status = 'QUEUED' then 'CANCELLED'::code_job_status else status end,
      finished_at = case when status = 'QUEUED' then now() else finished_at end,
      message = case when status = 'QUEUED' then 'Cancelled before it started.' else message end
    from (select id, status as before from code_jobs where id = ${jobId} and status in ('QUEUED', 'RUNNING') for no key update) old
    where code_jobs.id = old.id
    returning code_jobs.*, old.before),
    -- A QUEUED job ends here (CANCELLED): job.finished with it. A RUNNING one is announced when its worker stops.
    e as (${sql.raw(JOB_FINISHED_EVENT)} where j.before = 'QUEUED')
    select before from j`);
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
  await tx.unsafe(
    `with j as (
      update code_jobs set status = 'FAILED', done = $2, error_count = $3, message = $4, updated_at = clock_timestamp(),
        finished_at = clock_timestamp()
      where id = $1
      returning *)
    ${JOB_FINISHED_EVENT}`,
    [jobId, outcome.done, outcome.errorCount, outcome.message],
  );
}
