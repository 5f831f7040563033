import { decryptCode, hashCodeForLookup } from "@/server/crypto/code-secrets";
import { getDb } from "@/server/db/client";
import { findCodeByLookupHash, listCodesOfCoupon } from "@/server/db/queries/codes";
import { findCouponById } from "@/server/db/queries/coupons";
import { listRedemptions } from "@/server/db/queries/list-redemptions";
import { listAuditEntries } from "@/server/db/queries/audit-log";
import { parseCode } from "@/server/domain/code-format";
import { deriveCodeState } from "@/server/domain/code-state";

/** admin.codes.lookup: an exact code (as a shopper types it) with its coupon, state, uses and history. */
export async function lookupCode(input: { code: string }) {
  const parsed = parseCode(input.code);
  if (!parsed.ok) return { found: false as const, message: parsed.message };
  const db = getDb();
  const code = await findCodeByLookupHash(db, hashCodeForLookup(parsed.key));
  if (!code) return { found: false as const, message: `No code ${parsed.code}.` };
  const [coupon, counted, redemptions, audit] = await Promise.all([
    findCouponById(db, code.couponId),
    // The code's own row with its uses (the list query counts them).
    listCodesOfCoupon(db, { couponId: code.couponId, limit: 1, only: code.id }),
    listRedemptions(db, { codeId: code.id, limit: 20 }),
    listAuditEntries(db, { targetType: "code", targetId: code.id, limit: 20 }),
  ]);
  const usage = counted[0] ?? { redeemed: 0, locked: 0 };
  return {
    found: true as const,
    code: {
      id: code.id,
      code: decryptCode(code.codeEncrypted),
      kind: code.kind,
      status: code.status,
      state: deriveCodeState({ ...code, redeemed: usage.redeemed, locked: usage.locked }),
      redeemed: usage.redeemed,
      locked: usage.locked,
      maxRedemptions: code.maxRedemptions,
      assignedUserId: code.assignedUserId,
      createdAt: code.createdAt,
    },
    coupon: coupon ? { id: coupon.id, name: coupon.name, status: coupon.status, kind: coupon.kind } : null,
    redemptions: redemptions.map((r) => ({
      id: r.id,
      orderId: r.orderId,
      customerId: r.customerId,
      amount: r.amount,
      currency: r.currency,
      createdAt: r.createdAt,
      voidedAt: r.voidedAt,
      voidReason: r.voidReason,
    })),
    history: audit.map((a) => ({
      id: a.id,
      action: a.action,
      actorEmail: a.actorEmail,
      createdAt: a.createdAt,
    })),
  };
}
