import { getDb } from "@/server/db/client";
import { listBooksWithCounts } from "@/server/db/queries/books";

/** admin.books.list: books with how many codes they hold and how many are assigned. */
export async function listBooks(input: { couponId?: string }) {
  const rows = await listBooksWithCounts(getDb(), input.couponId ?? null);
  return rows.map((row) => ({ ...row, available: row.codes - row.assigned }));
}
