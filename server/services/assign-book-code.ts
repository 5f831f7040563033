import { getDb } from "@/server/db/client";
import { insertAuditEntry } from "@/server/db/queries/audit-log";
import { findBook, findUserIdById } from "@/server/db/queries/books";
import { findUserByEmail } from "@/server/db/queries/find-user-by-email";
import type { AssignBookInput } from "@/server/domain/code-job-inputs";
import { assignCodeFromBook, type AssignedCode } from "./assign-code-from-book";
import { NotFoundError } from "./errors";
import type { AdminActor } from "./run-admin-mutation";

/** admin.books.assign: a random available code of the book, or a chosen one, to a user (by id or email). */
export async function assignBookCode(input: AssignBookInput, actor: AdminActor): Promise<AssignedCode> {
  const book = await findBook(getDb(), input.bookId);
  if (!book) throw new NotFoundError("No book with this id.");
  const userId =
    "userId" in input.user
      ? await findUserIdById(getDb(), input.user.userId)
      : (await findUserByEmail(getDb(), input.user.email))?.id;
  if (!userId) throw new NotFoundError("No user with this id or email.");
  // The assignment and its audit entry commit together (the code itself is a secret: its id is logged).
  return assignCodeFromBook({
    book,
    userId,
    codeId: input.codeId,
    onAssigned: (tx, assigned) =>
      insertAuditEntry(tx, {
        actorId: actor.userId,
        actorEmail: actor.email ?? null,
        action: "books.assign",
        targetType: "book",
        targetId: book.id,
        before: null,
        after: { ...assigned, mode: input.codeId ? "specific" : "random" },
      }),
  });
}
