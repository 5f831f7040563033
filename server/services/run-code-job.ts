import { getDb } from "@/server/db/client";
import { findCodeJob } from "@/server/db/queries/code-jobs";
import { runCodeGeneration } from "./run-code-generation";
import { runCodeImport } from "./run-code-import";

/** The pg-boss handler of the code-jobs queue: one generation or import. */
export async function runCodeJob(jobId: string): Promise<void> {
  const job = await findCodeJob(getDb(), jobId);
  if (!job) return;
  if (job.kind === "GENERATE") await runCodeGeneration(jobId);
  else await runCodeImport(jobId);
}
