import { STALLED_JOB_MESSAGE, type findCodeJob } from "@/server/db/queries/code-jobs";

type JobRecord = NonNullable<Awaited<ReturnType<typeof findCodeJob>>>;

export type CodeJobView = {
  id: string;
  kind: "GENERATE" | "IMPORT";
  status: "QUEUED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELLED";
  couponId: string;
  bookId: string | null;
  total: number;
  done: number;
  /** 0..100, one decimal. */
  percent: number;
  /** Since the job started; null before. */
  codesPerSecond: number | null;
  /** Estimated seconds left while running; null when unknown or finished. */
  secondsLeft: number | null;
  cancelRequested: boolean;
  errorCount: number;
  message: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
};

/** A job's state for admin.jobs.get: progress, speed and time left from the row's counters. */
export function mapCodeJob(job: JobRecord): CodeJobView {
  const end = job.finishedAt ?? job.now;
  const elapsed = job.startedAt ? Math.max(0.001, (end.getTime() - job.startedAt.getTime()) / 1000) : null;
  const codesPerSecond = elapsed !== null && job.done > 0 ? Math.round(job.done / elapsed) : null;
  const running = job.status === "RUNNING";
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    couponId: job.couponId,
    bookId: job.bookId,
    total: job.total,
    done: job.done,
    percent: job.total > 0 ? Math.floor((job.done / job.total) * 1000) / 10 : 0,
    codesPerSecond,
    secondsLeft: running && codesPerSecond ? Math.ceil((job.total - job.done) / codesPerSecond) : null,
    cancelRequested: job.cancelRequested,
    errorCount: job.errorCount,
    message: job.stalled ? STALLED_JOB_MESSAGE : job.message,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
  };
}
