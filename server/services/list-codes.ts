import { decryptCode } from "@/server/crypto/code-secrets";
import { getDb } from "@/server/db/client";
import { listCodesOfCoupon } from "@/server/db/queries/codes";
import { deriveCodeState } from "@/server/domain/code-state";
import { keysetPage } from "@/server/domain/keyset-cursor";
import { getCouponOrThrow } from "./get-coupon";
import { readKeysetCursor } from "./read-keyset-cursor";

/** admin.codes.list: a coupon's codes (decrypted for staff) with their state and uses, oldest first. */
export async function listCodes(input: { couponId: string; cursor?: string | null; limit: number }) {
  const after = readKeysetCursor(input.cursor, "timestamp");
  await getCouponOrThrow(input.couponId);
  const rows = await listCodesOfCoupon(getDb(), {
    couponId: input.couponId,
    after: after ? { createdAt: after.value, id: after.id } : undefined,
    limit: input.limit + 1,
  });
  return keysetPage(
    rows,
    input.limit,
    (row) => row.cursorValue,
    (row) => ({
      id: row.id,
      code: decryptCode(row.codeEncrypted),
      kind: row.kind,
      status: row.status,
      state: deriveCodeState(row),
      redeemed: row.redeemed,
      locked: row.locked,
      maxRedemptions: row.maxRedemptions,
      assignedUserId: row.assignedUserId,
      createdAt: row.createdAt,
    }),
  );
}
