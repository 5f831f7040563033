import { getDb } from "@/server/db/client";
import { insertCodeJobAuditEntry } from "@/server/db/queries/audit-log";
import { endCodeJob } from "@/server/db/queries/code-jobs";

/**
 * Ends a bulk job that did not complete (failed, cancelled, or never queued) and writes its audit
 * entry in the same transaction: the log never says a job ended differently from how it did.
 */
export async function endCodeJobWithAudit(
  jobId: string,
  action: string,
  outcome: { status: "FAILED" | "CANCELLED"; message: string },
): Promise<void> {
  await getDb().transaction(async (tx) => {
    await endCodeJob(tx, jobId, outcome);
    await insertCodeJobAuditEntry(tx, { jobId, action, after: outcome });
  });
}
