import { sql } from "drizzle-orm";
import type { Executor } from "../client";

export type AssignedCodeRow = {
  id: string;
  codeEncrypted: Buffer;
  status: "ACTIVE" | "DISABLED";
  maxRedemptions: number | null;
  assignedAt: Date | null;
  couponId: string;
  couponName: string;
  couponDescription: string;
  couponKind: "PERCENT" | "FIXED" | "FREE_SHIPPING";
  couponValue: number | null;
  couponCurrency: string | null;
  couponStatus: "ACTIVE" | "DISABLED" | "ARCHIVED";
  validFrom: Date | null;
  validUntil: Date | null;
  redeemed: number;
  locked: number;
};

/** The codes assigned to one user, with their coupon and live use counts (redemptions that count, live locks). */
export async function listAssignedCodes(db: Executor, userId: string, limit = 200): Promise<AssignedCodeRow[]> {
  const rows = await db.execute<
    Omit<AssignedCodeRow, "assignedAt" | "validFrom" | "validUntil"> & Record<string, unknown>
  >(sql`
    select d.id, d.code_encrypted as "codeEncrypted", d.status, d.max_redemptions as "maxRedemptions",
      d.assigned_at as "assignedAt", c.id as "couponId", c.name as "couponName",
      c.description as "couponDescription", c.kind as "couponKind", c.value::float8 as "couponValue",
      c.currency as "couponCurrency", c.status as "couponStatus", c.valid_from as "validFrom",
      c.valid_until as "validUntil",
      (select count(*) from redemptions r where r.code_id = d.id and not r.uses_restored)::int as "redeemed",
      (select count(*) from lock_items li join locks k on k.id = li.lock_id
        where li.code_id = d.id and k.status = 'ACTIVE' and k.expires_at > now())::int as "locked"
    from codes d join coupons c on c.id = d.coupon_id
    where d.assigned_user_id = ${userId}
    order by d.assigned_at desc nulls last, d.created_at desc
    limit ${limit}`);
  const toDate = (value: unknown) => (value == null ? null : new Date(value as string));
  return rows.map((row) => ({
    ...(row as unknown as AssignedCodeRow),
    assignedAt: toDate(row.assignedAt),
    validFrom: toDate(row.validFrom),
    validUntil: toDate(row.validUntil),
  }));
}
