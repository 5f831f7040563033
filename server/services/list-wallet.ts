import { decryptCode } from "@/server/crypto/code-secrets";
import { getDb } from "@/server/db/client";
import { listAssignedCodes } from "@/server/db/queries/list-assigned-codes";
import type { CodeState, CouponKind } from "@/server/domain/schemas";

export type WalletCode = {
  id: string;
  code: string;
  state: CodeState;
  /** Uses left of this code; null when only the coupon's limits apply. */
  usesLeft: number | null;
  assignedAt: string | null;
  coupon: {
    id: string;
    name: string;
    description: string;
    kind: CouponKind;
    value: number | null;
    currency: string | null;
    validFrom: string | null;
    validUntil: string | null;
  };
};

/**
 * wallet.list: the codes assigned to this shopper, in plain text (they are the shopper's own),
 * with their coupon and state: DISABLED (the code or its coupon), REDEEMED (no use left),
 * LOCKED (its last use held by a checkout) or ASSIGNED (ready to apply).
 */
export async function listWallet(userId: string): Promise<WalletCode[]> {
  const rows = await listAssignedCodes(getDb(), userId);
  return rows.map((row) => {
    const usesLeft = row.maxRedemptions == null ? null : Math.max(0, row.maxRedemptions - row.redeemed);
    const state: CodeState =
      row.status === "DISABLED" || row.couponStatus !== "ACTIVE"
        ? "DISABLED"
        : usesLeft === 0
          ? "REDEEMED"
          : usesLeft !== null && row.locked >= usesLeft
            ? "LOCKED"
            : "ASSIGNED";
    return {
      id: row.id,
      code: decryptCode(row.codeEncrypted),
      state,
      usesLeft,
      assignedAt: row.assignedAt?.toISOString() ?? null,
      coupon: {
        id: row.couponId,
        name: row.couponName,
        description: row.couponDescription,
        kind: row.couponKind,
        value: row.couponValue,
        currency: row.couponCurrency,
        validFrom: row.validFrom?.toISOString() ?? null,
        validUntil: row.validUntil?.toISOString() ?? null,
      },
    };
  });
}
