import { getDb } from "@/server/db/client";
import { insertBook } from "@/server/db/queries/books";
import type { BookRow } from "@/server/db/schema";
import type { CreateBookInput } from "@/server/domain/code-job-inputs";
import { getCouponOrThrow } from "./get-coupon";

/** admin.books.create: an empty book of a coupon; codes come from a generation or an import into it. */
export async function createBook(input: CreateBookInput, actor: { userId: string }): Promise<BookRow> {
  await getCouponOrThrow(input.couponId);
  return insertBook(getDb(), { ...input, createdBy: actor.userId });
}
