import { getDb } from "@/server/db/client";
import { insertCodeJobAuditEntry } from "@/server/db/queries/audit-log";
import { markStalledCodeJobsFailed, STALLED_JOB_MESSAGE } from "@/server/db/queries/code-jobs";

/**
 * Bulk jobs whose worker died (a crash or restart mid-job: their transaction died with it, so none of
 * their codes exist) end as FAILED for good: with their job.finished event and an audit entry, in one
 * transaction, as a job that fails while its worker lives does. Run by the periodic reconciliation.
 */
export async function failStalledCodeJobs(): Promise<string[]> {
  return getDb().transaction(async (tx) => {
    const failed = await markStalledCodeJobsFailed(tx);
    for (const job of failed)
      await insertCodeJobAuditEntry(tx, {
        jobId: job.id,
        action: job.kind === "IMPORT" ? "codes.import.failed" : "codes.generate.failed",
        after: { status: "FAILED", message: STALLED_JOB_MESSAGE },
      });
    return failed.map((job) => job.id);
  });
}
