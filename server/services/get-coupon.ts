import { getDb } from "@/server/db/client";
import { findCouponById } from "@/server/db/queries/coupons";
import type { CouponRow } from "@/server/db/schema";
import { NotFoundError } from "./errors";

export async function getCouponOrThrow(id: string): Promise<CouponRow> {
  const coupon = await findCouponById(getDb(), id);
  if (!coupon) throw new NotFoundError("No coupon with this id.");
  return coupon;
}
