import { getDb } from "@/server/db/client";
import { findCodeJob, requestCodeJobCancel } from "@/server/db/queries/code-jobs";
import { ConflictError, NotFoundError } from "./errors";
import { mapCodeJob, type CodeJobView } from "./map-code-job";

/**
 * admin.jobs.cancel: a queued job is cancelled at once; a running one stops at its next chunk
 * and rolls back, so none of its codes remain.
 */
export async function cancelCodeJob(jobId: string): Promise<CodeJobView> {
  const before = await requestCodeJobCancel(getDb(), jobId);
  const job = await findCodeJob(getDb(), jobId);
  if (!job) throw new NotFoundError("No job with this id.");
  if (before === undefined) throw new ConflictError(`The job has already ended (${job.status}).`);
  return mapCodeJob(job);
}
