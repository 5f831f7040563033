import { getDb } from "@/server/db/client";
import { findCodeJob, requestCodeJobCancel } from "@/server/db/queries/code-jobs";
import { ConflictError, NotFoundError } from "./errors";
import { mapCodeJob, type CodeJobView } from "./map-code-job";
import { runAdminMutation, type AdminActor } from "./run-admin-mutation";

/**
 * admin.jobs.cancel: a queued job is cancelled at once; a running one stops at its next chunk
 * and rolls back, so none of its codes remain. The request is audit-logged with it (the job's
 * own "cancelled" entry follows when it stops).
 */
export async function cancelCodeJob(jobId: string, actor: AdminActor): Promise<CodeJobView> {
  await runAdminMutation({ actor, operation: "jobs.cancel", payload: { jobId } }, async (tx, audit) => {
    const before = await requestCodeJobCancel(tx, jobId);
    if (before === undefined) {
      const job = await findCodeJob(tx, jobId);
      if (!job) throw new NotFoundError("No job with this id.");
      throw new ConflictError(`The job has already ended (${job.status}).`);
    }
    await audit({
      action: "jobs.cancel",
      targetType: "code_job",
      targetId: jobId,
      before: { status: before },
      after: { status: before === "QUEUED" ? "CANCELLED" : "CANCEL_REQUESTED" },
    });
  });
  return mapCodeJob((await findCodeJob(getDb(), jobId))!);
}
