import { decryptCode, hashCodeForLookup } from "@/server/crypto/code-secrets";
import { getDb } from "@/server/db/client";
import { findCodeByLookupHash } from "@/server/db/queries/codes";
import { listCoupons as listCouponRows } from "@/server/db/queries/list-coupons";
import type { ListCouponsInput } from "@/server/domain/admin-inputs";
import { parseCode } from "@/server/domain/code-format";
import { couponPhase } from "@/server/domain/coupon-status";
import { keysetPage } from "@/server/domain/keyset-cursor";
import { readKeysetCursor } from "./read-keyset-cursor";

/** admin.coupons.list: one keyset page, filtered and sorted; search matches part of the name or an exact code. */
export async function listCoupons(input: ListCouponsInput, now = new Date()) {
  const after = readKeysetCursor(input.cursor, input.sort === "name" ? "text" : "timestamp");
  const db = getDb();
  const search = input.search ? input.search : undefined;
  // An exact code finds its coupon (by the keyed hash, like checkout): codes are not stored in clear.
  const parsed = search ? parseCode(search) : null;
  const code = parsed?.ok ? await findCodeByLookupHash(db, hashCodeForLookup(parsed.key)) : undefined;
  const rows = await listCouponRows(db, {
    nameContains: search,
    orCouponId: code?.couponId,
    status: input.status,
    kind: input.kind,
    window: input.window,
    now,
    sort: input.sort,
    direction: input.direction,
    after: after ?? undefined,
    limit: input.limit + 1,
  });
  return keysetPage(
    rows,
    input.limit,
    (row) => row.sortValue,
    (row) => ({
      id: row.id,
      name: row.name,
      kind: row.kind,
      value: row.value,
      currency: row.currency,
      maxDiscount: row.maxDiscount,
      status: row.status,
      phase: couponPhase(row, row.redemptions, now),
      validFrom: row.validFrom,
      validUntil: row.validUntil,
      maxRedemptions: row.maxRedemptions,
      budget: row.budget,
      redemptions: row.redemptions ?? 0,
      codeCount: row.codeCount,
      code: row.sharedCodeEncrypted ? decryptCode(row.sharedCodeEncrypted) : null,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    }),
  );
}
