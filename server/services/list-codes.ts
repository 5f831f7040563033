import { decryptCode } from "@/server/crypto/code-secrets";
import { getDb } from "@/server/db/client";
import { listCodesOfCoupon } from "@/server/db/queries/codes";
import { deriveCodeState } from "@/server/domain/code-state";
import { decodeCursor, encodeCursor, isTimestampText } from "@/server/domain/keyset-cursor";
import { InvalidInputError } from "./errors";
import { getCouponOrThrow } from "./get-coupon";

/** admin.codes.list: a coupon's codes (decrypted for staff) with their state and uses, oldest first. */
export async function listCodes(input: { couponId: string; cursor?: string | null; limit: number }) {
  const after = input.cursor ? decodeCursor(input.cursor) : null;
  if (input.cursor && (!after || !isTimestampText(after.value)))
    throw new InvalidInputError("This cursor does not belong to this list; start from the first page.");
  await getCouponOrThrow(input.couponId);
  const rows = await listCodesOfCoupon(getDb(), {
    couponId: input.couponId,
    after: after ? { createdAt: after.value, id: after.id } : undefined,
    limit: input.limit + 1,
  });
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
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
    })),
    nextCursor: rows.length > input.limit && last ? encodeCursor({ value: last.cursorValue, id: last.id }) : null,
  };
}
