import { getDb } from "@/server/db/client";
import { endCodeJob, findCodeJob, insertCodeJob } from "@/server/db/queries/code-jobs";
import type { GenerateCodesInput } from "@/server/domain/code-job-inputs";
import { planCodeGeneration } from "@/server/domain/code-generator";
import { enqueueCodeJob } from "./enqueue-code-job";
import { InvalidInputError } from "./errors";
import { getBookOfCoupon } from "./get-book-of-coupon";
import { getCouponOrThrow } from "./get-coupon";
import { mapCodeJob, type CodeJobView } from "./map-code-job";

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
export async function startCodeGeneration(input: GenerateCodesInput, actor: { userId: string }): Promise<CodeJobView> {
  await getCouponOrThrow(input.couponId);
  if (input.bookId) await getBookOfCoupon(input.bookId, input.couponId);
  const { couponId, bookId, ...options } = input;
  const planned = planCodeGeneration(options);
  if (!planned.ok) throw new InvalidInputError(planned.message);
  const params: GenerationParams = options;
  const job = await insertCodeJob(getDb(), {
    kind: "GENERATE",
    couponId,
    bookId: bookId ?? null,
    params,
    total: input.count,
    createdBy: actor.userId,
  });
  try {
    await enqueueCodeJob(job.id);
  } catch (error) {
    await endCodeJob(getDb(), job.id, { status: "FAILED", message: "The job could not be queued." });
    throw error;
  }
  return mapCodeJob((await findCodeJob(getDb(), job.id))!);
}
