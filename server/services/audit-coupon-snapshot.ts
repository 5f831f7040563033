import type { CouponRow } from "@/server/db/schema";

/** The coupon's rules and text as the audit log keeps them (bookkeeping columns left out). */
export function auditCouponSnapshot(row: CouponRow): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- picked out to leave them out
  const { createdAt, updatedAt, createdBy, updatedBy, ...rules } = row;
  return rules;
}
