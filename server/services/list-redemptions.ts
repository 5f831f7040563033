import { decryptCode, hashCodeForLookup } from "@/server/crypto/code-secrets";
import { getDb } from "@/server/db/client";
import { findCodeByLookupHash } from "@/server/db/queries/codes";
import { listRedemptions as listRedemptionRows } from "@/server/db/queries/list-redemptions";
import type { ListRedemptionsInput } from "@/server/domain/admin-inputs";
import { parseCode } from "@/server/domain/code-format";
import { keysetPage } from "@/server/domain/keyset-cursor";
import { readKeysetCursor } from "./read-keyset-cursor";

/** admin.redemptions.list: newest first, filtered by coupon, code, customer, order and date; keyset pages. */
export async function listRedemptions(input: ListRedemptionsInput) {
  const before = readKeysetCursor(input.cursor, "timestamp");
  const db = getDb();
  let codeId: string | undefined;
  if (input.code) {
    const parsed = parseCode(input.code);
    const code = parsed.ok ? await findCodeByLookupHash(db, hashCodeForLookup(parsed.key)) : undefined;
    // An unknown code has no redemptions: an empty page, not an error.
    if (!code) return { items: [], nextCursor: null };
    codeId = code.id;
  }
  const rows = await listRedemptionRows(db, {
    couponId: input.couponId,
    codeId,
    customerId: input.customerId,
    orderId: input.orderId,
    from: input.from,
    to: input.to,
    before: before ? { createdAt: before.value, id: before.id } : undefined,
    limit: input.limit + 1,
  });
  return keysetPage(
    rows,
    input.limit,
    (row) => row.cursorValue,
    (row) => ({
      id: row.id,
      couponId: row.couponId,
      couponName: row.couponName,
      codeId: row.codeId,
      code: decryptCode(row.codeEncrypted),
      customerId: row.customerId,
      orderId: row.orderId,
      amount: row.amount,
      currency: row.currency,
      channel: row.channel,
      createdAt: row.createdAt,
      voidedAt: row.voidedAt,
      voidReason: row.voidReason,
      usesRestored: row.usesRestored,
    }),
  );
}
