import { getDb } from "@/server/db/client";
import { listClaimableBooks as listClaimableBookRows } from "@/server/db/queries/books";

export type ClaimableBook = {
  id: string;
  name: string;
  description: string;
  maxPerUser: number;
  /** Codes of this book the shopper holds already. */
  held: number;
  /** Whether the shopper may claim now: codes left and under the per-user limit. */
  canClaim: boolean;
  hasCodesLeft: boolean;
  coupon: {
    id: string;
    name: string;
    description: string;
    kind: "PERCENT" | "FIXED" | "FREE_SHIPPING";
    value: number | null;
    currency: string | null;
    validUntil: string | null;
  };
};

/** wallet.books: the books a shopper may claim a code from (claimable, of a live coupon). */
export async function listClaimableBooks(userId: string): Promise<ClaimableBook[]> {
  const rows = await listClaimableBookRows(getDb(), userId);
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    description: row.description,
    maxPerUser: row.maxPerUser,
    held: row.held,
    hasCodesLeft: row.hasCodesLeft,
    canClaim: row.hasCodesLeft && row.held < row.maxPerUser,
    coupon: {
      id: row.couponId,
      name: row.couponName,
      description: row.couponDescription,
      kind: row.couponKind,
      value: row.couponValue,
      currency: row.couponCurrency,
      validUntil: row.validUntil ? new Date(row.validUntil).toISOString() : null,
    },
  }));
}
