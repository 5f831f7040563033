import { insertBook } from "@/server/db/queries/books";
import type { BookRow } from "@/server/db/schema";
import type { CreateBookInput } from "@/server/domain/code-job-inputs";
import { getCouponOrThrow } from "./get-coupon";
import { runAdminMutation, type AdminActor } from "./run-admin-mutation";

/** admin.books.create: an empty book of a coupon; codes come from a generation or an import into it. */
export async function createBook(input: CreateBookInput, actor: AdminActor): Promise<BookRow> {
  await getCouponOrThrow(input.couponId);
  return runAdminMutation({ actor, operation: "books.create", payload: input }, async (tx, audit) => {
    const book = await insertBook(tx, { ...input, createdBy: actor.userId });
    await audit({ action: "books.create", targetType: "book", targetId: book.id, before: null, after: book });
    return book;
  });
}
