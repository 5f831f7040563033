import { decryptCode } from "@/server/crypto/code-secrets";
import { getDb } from "@/server/db/client";
import { listUserCodes } from "@/server/db/queries/books";

/** wallet.list: the signed-in user's assigned codes, each with its coupon and state. */
export async function listWallet(actor: { userId: string }) {
  const rows = await listUserCodes(getDb(), actor.userId);
  return rows.map((row) => ({
    codeId: row.id,
    code: decryptCode(row.codeEncrypted),
    state: row.state,
    assignedAt: row.assignedAt ? new Date(row.assignedAt) : null,
    book: row.bookId ? { id: row.bookId, name: row.bookName ?? "" } : null,
    coupon: {
      id: row.couponId,
      name: row.couponName,
      description: row.couponDescription,
      kind: row.kind,
      value: row.value,
      currency: row.currency,
      validUntil: row.validUntil ? new Date(row.validUntil) : null,
      status: row.couponStatus,
    },
  }));
}
