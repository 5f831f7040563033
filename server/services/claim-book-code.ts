import { getDb } from "@/server/db/client";
import { findBook } from "@/server/db/queries/books";
import { assignCodeFromBook, type AssignedCode } from "./assign-code-from-book";
import { DomainError, NotFoundError } from "./errors";
import { getCouponOrThrow } from "./get-coupon";

/** wallet.claim: the signed-in shopper takes a random code of a claimable book. */
export async function claimBookCode(input: { bookId: string }, actor: { userId: string }): Promise<AssignedCode> {
  const book = await findBook(getDb(), input.bookId);
  // A book shoppers may not claim from looks like no book at all to them.
  if (!book || !book.claimable) throw new NotFoundError("No book to claim from.");
  const coupon = await getCouponOrThrow(book.couponId);
  if (coupon.status !== "ACTIVE") throw new DomainError("DISABLED");
  if (coupon.validUntil && coupon.validUntil.getTime() <= Date.now()) throw new DomainError("EXPIRED");
  return assignCodeFromBook({ book, userId: actor.userId });
}
