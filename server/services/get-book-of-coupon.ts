import { getDb } from "@/server/db/client";
import { findBook } from "@/server/db/queries/books";
import type { BookRow } from "@/server/db/schema";
import { InvalidInputError, NotFoundError } from "./errors";

/** The book, which must hold codes of this coupon (a book is a pool of one coupon's codes). */
export async function getBookOfCoupon(bookId: string, couponId: string): Promise<BookRow> {
  const book = await findBook(getDb(), bookId);
  if (!book) throw new NotFoundError("No book with this id.");
  if (book.couponId !== couponId) throw new InvalidInputError("This book holds codes of another coupon.");
  return book;
}
