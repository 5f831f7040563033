import { getDb } from "@/server/db/client";
import { findCodeJob, listCodeJobErrors } from "@/server/db/queries/code-jobs";
import { NotFoundError } from "./errors";
import { mapCodeJob, type CodeJobView } from "./map-code-job";

/** How many refused lines admin.jobs.get shows; the whole report downloads as CSV. */
export const JOB_ERRORS_SHOWN = 100;

/** admin.jobs.get: a job's state and progress, and the first lines of an import's error report. */
export async function getCodeJob(
  jobId: string,
): Promise<CodeJobView & { errors: Array<{ line: number; error: string; value: string }> }> {
  const job = await findCodeJob(getDb(), jobId);
  if (!job) throw new NotFoundError("No job with this id.");
  const errors = job.errorCount > 0 ? await listCodeJobErrors(getDb(), jobId, JOB_ERRORS_SHOWN) : [];
  return { ...mapCodeJob(job), errors };
}
