import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { downloadTokens } from "../schema";

export type DownloadTarget = { couponId: string } | { jobId: string } | { bookId: string };

export async function insertDownloadToken(
  db: Executor,
  values: { tokenHash: Buffer; target: DownloadTarget; createdBy: string | null; expiresAt: Date },
): Promise<void> {
  await db.insert(downloadTokens).values(values);
}

/** Burns a live token and returns what it opens; a used, expired or unknown token returns undefined. */
export async function burnDownloadToken(db: Executor, tokenHash: Buffer) {
  const [row] = await db
    .update(downloadTokens)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(downloadTokens.tokenHash, tokenHash),
        isNull(downloadTokens.usedAt),
        gt(downloadTokens.expiresAt, sql`now()`),
      ),
    )
    .returning({ target: downloadTokens.target, createdBy: downloadTokens.createdBy });
  return row ? { target: row.target as DownloadTarget, createdBy: row.createdBy } : undefined;
}
