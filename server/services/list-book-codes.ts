import { decryptCode } from "@/server/crypto/code-secrets";
import { getDb } from "@/server/db/client";
import { findBook, listBookCodes } from "@/server/db/queries/books";
import { NotFoundError } from "./errors";

/** admin.books.codes: a page of a book's codes with each one's state and who holds it. */
export async function listCodesOfBook(input: {
  bookId: string;
  limit: number;
  cursor?: { createdAt: string; id: string };
}) {
  if (!(await findBook(getDb(), input.bookId))) throw new NotFoundError("No book with this id.");
  const rows = await listBookCodes(getDb(), input.bookId, input.limit, input.cursor);
  const items = rows.map((row) => ({
    id: row.id,
    code: decryptCode(row.codeEncrypted),
    state: row.state,
    assignedTo: row.assignedEmail,
    assignedAt: row.assignedAt ? new Date(row.assignedAt) : null,
    createdAt: new Date(row.createdAt),
  }));
  const last = items.at(-1);
  return {
    items,
    nextCursor: items.length === input.limit && last ? { createdAt: last.createdAt.toISOString(), id: last.id } : null,
  };
}
