import { createHash, randomBytes } from "node:crypto";
import { getDb } from "@/server/db/client";
import { findCodeJob } from "@/server/db/queries/code-jobs";
import { insertDownloadToken, type DownloadTarget } from "@/server/db/queries/download-tokens";
import { findBook } from "@/server/db/queries/books";
import type { ExportCodesInput } from "@/server/domain/code-job-inputs";
import { NotFoundError } from "./errors";
import { runAdminMutation, type AdminActor } from "./run-admin-mutation";
import { getCouponOrThrow } from "./get-coupon";

/** How long a download link works (once). */
export const EXPORT_LINK_TTL_SECONDS = 600;

/**
 * admin.codes.export: a one-time link (10 minutes) that streams the codes of a coupon, a job or
 * a book as CSV. Only the token's hash is stored; the link is the plaintext token.
 * The export is written to the audit log in the transaction that makes the link.
 */
export async function createCodeExport(
  input: ExportCodesInput,
  actor: AdminActor,
): Promise<{ url: string; expiresAt: Date }> {
  let target: DownloadTarget;
  if (input.couponId) {
    await getCouponOrThrow(input.couponId);
    target = { couponId: input.couponId };
  } else if (input.jobId) {
    if (!(await findCodeJob(getDb(), input.jobId))) throw new NotFoundError("No job with this id.");
    target = { jobId: input.jobId };
  } else {
    if (!(await findBook(getDb(), input.bookId!))) throw new NotFoundError("No book with this id.");
    target = { bookId: input.bookId! };
  }
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + EXPORT_LINK_TTL_SECONDS * 1000);
  const [targetType, targetId] =
    "couponId" in target
      ? (["coupon", target.couponId] as const)
      : "jobId" in target
        ? (["code_job", target.jobId] as const)
        : (["book", target.bookId] as const);
  await runAdminMutation({ actor, operation: "codes.export", payload: input }, async (tx, audit) => {
    await insertDownloadToken(tx, { tokenHash: hashDownloadToken(token), target, createdBy: actor.userId, expiresAt });
    await audit({ action: "codes.export", targetType, targetId, before: null, after: { target, expiresAt } });
  });
  return { url: `/api/admin/exports/${token}`, expiresAt };
}

export function hashDownloadToken(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}
