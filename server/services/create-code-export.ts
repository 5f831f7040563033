import { createHash, randomBytes } from "node:crypto";
import { getDb } from "@/server/db/client";
import { findCodeJob } from "@/server/db/queries/code-jobs";
import { insertDownloadToken, type DownloadTarget } from "@/server/db/queries/download-tokens";
import { findBook } from "@/server/db/queries/books";
import type { ExportCodesInput } from "@/server/domain/code-job-inputs";
import { NotFoundError } from "./errors";
import { getCouponOrThrow } from "./get-coupon";

/** How long a download link works (once). */
export const EXPORT_LINK_TTL_SECONDS = 600;

/**
 * admin.codes.export: a one-time link (10 minutes) that streams the codes of a coupon, a job or
 * a book as CSV. Only the token's hash is stored; the link is the plaintext token.
 * TODO(audit): write an audit log entry here once the audit log exists.
 */
export async function createCodeExport(
  input: ExportCodesInput,
  actor: { userId: string },
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
  await insertDownloadToken(getDb(), {
    tokenHash: hashDownloadToken(token),
    target,
    createdBy: actor.userId,
    expiresAt,
  });
  return { url: `/api/admin/exports/${token}`, expiresAt };
}

export function hashDownloadToken(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}
