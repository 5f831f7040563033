import { eq } from "drizzle-orm";
import type { Executor } from "../client";
import { books, type BookRow } from "../schema";

export type NewBook = typeof books.$inferInsert;

export async function insertBook(db: Executor, values: NewBook): Promise<BookRow> {
  const [row] = await db.insert(books).values(values).returning();
  if (!row) throw new Error("insert into books returned nothing");
  return row;
}

export async function findBook(db: Executor, bookId: string): Promise<BookRow | undefined> {
  const [row] = await db.select().from(books).where(eq(books.id, bookId));
  return row;
}
