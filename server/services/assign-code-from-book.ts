import { decryptCode } from "@/server/crypto/code-secrets";
import { getDb, type Executor } from "@/server/db/client";
import {
  assignCode,
  countBookAssignments,
  findCodeInBook,
  lockBookUser,
  lockRandomAvailableCode,
} from "@/server/db/queries/books";
import type { BookRow } from "@/server/db/schema";
import { getRedis } from "@/server/redis/client";
import { invalidateCache } from "@/server/redis/rules-cache";
import { ConflictError, DomainError, NotFoundError } from "./errors";

export type AssignedCode = { codeId: string; code: string; couponId: string; bookId: string; userId: string };

/**
 * Gives a user a code of the book: a random available one (fair under concurrency: each claim
 * locks a different code, SKIP LOCKED) or the chosen one, within the book's per-user limit
 * (one user's claims on a book are serialised by an advisory lock).
 */
export async function assignCodeFromBook(input: {
  book: BookRow;
  userId: string;
  codeId?: string;
  /** Runs in the assignment's transaction, after it (an admin assignment writes its audit entry here). */
  onAssigned?: (tx: Executor, assigned: { codeId: string; userId: string }) => Promise<void>;
}): Promise<AssignedCode> {
  const { book, userId } = input;
  const assigned = await getDb().transaction(async (tx) => {
    await lockBookUser(tx, book.id, userId);
    const held = await countBookAssignments(tx, book.id, userId);
    if (held >= book.maxPerUser)
      throw new DomainError(
        "USER_LIMIT_REACHED",
        `This user already has ${held} code${held === 1 ? "" : "s"} of this book (limit ${book.maxPerUser}).`,
      );
    if (input.codeId) {
      const row = await assignCode(tx, input.codeId, book.id, userId);
      if (row) {
        await input.onAssigned?.(tx, { codeId: row.id, userId });
        return row;
      }
      const code = await findCodeInBook(tx, input.codeId, book.id);
      if (!code) throw new NotFoundError("This code is not in this book.");
      throw new ConflictError("This code is assigned already.");
    }
    const codeId = await lockRandomAvailableCode(tx, book.id);
    if (!codeId) throw new DomainError("EXHAUSTED", "No codes left in this book.");
    const row = await assignCode(tx, codeId, book.id, userId);
    if (!row) throw new Error(`code ${codeId} was locked but could not be assigned`);
    await input.onAssigned?.(tx, { codeId: row.id, userId });
    return row;
  });
  // The code's cached look-up says "unassigned" for up to a minute: clear it so the assignment holds at once.
  const redis = getRedis();
  if (redis)
    await invalidateCache(redis, { lookupHashesHex: [assigned.lookupHash.toString("hex")] }).catch((error) =>
      console.warn("[books] could not clear the cached code; it expires within 60 s", error),
    );
  return {
    codeId: assigned.id,
    code: decryptCode(assigned.codeEncrypted),
    couponId: assigned.couponId,
    bookId: book.id,
    userId,
  };
}
