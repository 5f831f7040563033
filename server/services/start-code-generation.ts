import { getDb } from "@/server/db/client";
import { findCodeJob, insertCodeJob } from "@/server/db/queries/code-jobs";
import type { GenerateCodesInput } from "@/server/domain/code-job-inputs";
import { planCodeGeneration } from "@/server/domain/code-generator";
import { endCodeJobWithAudit } from "./end-code-job-with-audit";
import { enqueueCodeJob } from "./enqueue-code-job";
import { InvalidInputError } from "./errors";
import { getBookOfCoupon } from "./get-book-of-coupon";
import { getCouponOrThrow } from "./get-coupon";
import { mapCodeJob, type CodeJobView } from "./map-code-job";
import { runAdminMutation, type AdminActor } from "./run-admin-mutation";

/** What a generation job keeps in code_jobs.params (and runs from). */
export type GenerationParams = {
  count: number;
  length?: number;
  alphabet?: string;
  prefix?: string;
  suffix?: string;
  pattern?: string;
  maxRedemptions: number;
};

/** admin.codes.generate: queues a bulk generation (up to 1,000,000 codes) and returns the job. */
export async function startCodeGeneration(input: GenerateCodesInput, actor: AdminActor): Promise<CodeJobView> {
  await getCouponOrThrow(input.couponId);
  if (input.bookId) await getBookOfCoupon(input.bookId, input.couponId);
  const { couponId, bookId, ...options } = input;
  const planned = planCodeGeneration(options);
  if (!planned.ok) throw new InvalidInputError(planned.message);
  const params: GenerationParams = options;
  // The job and its "submitted" audit entry commit together; its end writes a second entry (run-code-generation.ts).
  const job = await runAdminMutation({ actor, operation: "codes.generate", payload: input }, async (tx, audit) => {
    const row = await insertCodeJob(tx, {
      kind: "GENERATE",
      couponId,
      bookId: bookId ?? null,
      params,
      total: input.count,
      createdBy: actor.userId,
    });
    await audit({
      action: "codes.generate",
      targetType: "code_job",
      targetId: row.id,
      before: null,
      after: { couponId, bookId: bookId ?? null, ...params },
    });
    return row;
  });
  try {
    await enqueueCodeJob(job.id);
  } catch (error) {
    await endCodeJobWithAudit(job.id, "codes.generate.failed", {
      status: "FAILED",
      message: "The job could not be queued.",
    });
    throw error;
  }
  return mapCodeJob((await findCodeJob(getDb(), job.id))!);
}
