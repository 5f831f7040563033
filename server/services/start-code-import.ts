import { getDb } from "@/server/db/client";
import { findCodeJob, insertCodeJob } from "@/server/db/queries/code-jobs";
import { findUpload, readUploadChunks } from "@/server/db/queries/uploads";
import type { ImportCodesInput } from "@/server/domain/code-job-inputs";
import { MAX_CODES_PER_JOB } from "@/server/domain/code-generator";
import { endCodeJobWithAudit } from "./end-code-job-with-audit";
import { enqueueCodeJob } from "./enqueue-code-job";
import { InvalidInputError, NotFoundError } from "./errors";
import { getBookOfCoupon } from "./get-book-of-coupon";
import { getCouponOrThrow } from "./get-coupon";
import { mapCodeJob, type CodeJobView } from "./map-code-job";
import { runAdminMutation, type AdminActor } from "./run-admin-mutation";

/** What an import job keeps in code_jobs.params. */
export type ImportParams = { uploadId: string; kind: "SHARED" | "UNIQUE"; maxRedemptions: number };

const NEWLINE = 0x0a;

/** admin.codes.import: queues the import of an uploaded CSV (one code per line, up to 1,000,000 lines). */
export async function startCodeImport(input: ImportCodesInput, actor: AdminActor): Promise<CodeJobView> {
  await getCouponOrThrow(input.couponId);
  if (input.bookId) await getBookOfCoupon(input.bookId, input.couponId);
  const upload = await findUpload(getDb(), input.uploadId);
  if (!upload || upload.bytes === 0) throw new NotFoundError("No upload with this id.");
  // The line count is the progress bar's 100 % (a header line counts too).
  let lines = 0;
  let last = NEWLINE;
  for await (const chunk of readUploadChunks(getDb(), input.uploadId)) {
    for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) lines += 1;
    last = chunk[chunk.length - 1] ?? NEWLINE;
  }
  if (last !== NEWLINE) lines += 1;
  if (lines > MAX_CODES_PER_JOB + 1)
    throw new InvalidInputError(
      `The file has ${lines.toLocaleString("en-US")} lines; at most ${MAX_CODES_PER_JOB.toLocaleString("en-US")} codes per import.`,
    );
  const params: ImportParams = { uploadId: input.uploadId, kind: input.kind, maxRedemptions: input.maxRedemptions };
  // The job and its "submitted" audit entry commit together; its end writes a second entry (run-code-import.ts).
  const job = await runAdminMutation({ actor, operation: "codes.import", payload: input }, async (tx, audit) => {
    const row = await insertCodeJob(tx, {
      kind: "IMPORT",
      couponId: input.couponId,
      bookId: input.bookId ?? null,
      params,
      total: lines,
      createdBy: actor.userId,
    });
    await audit({
      action: "codes.import",
      targetType: "code_job",
      targetId: row.id,
      before: null,
      after: { couponId: input.couponId, bookId: input.bookId ?? null, lines, ...params },
    });
    return row;
  });
  try {
    await enqueueCodeJob(job.id);
  } catch (error) {
    await endCodeJobWithAudit(job.id, "codes.import.failed", {
      status: "FAILED",
      message: "The job could not be queued.",
    });
    throw error;
  }
  return mapCodeJob((await findCodeJob(getDb(), job.id))!);
}
