import type { Redis } from "@upstash/redis";
import { sql } from "drizzle-orm";
import { getDb } from "@/server/db/client";
import { createCouponInput } from "@/server/domain/admin-inputs";
import { readUsage } from "@/server/redis/gate";
import { createCode } from "./create-code";
import { createCoupon } from "./create-coupon";

/** For the gate's tests: a one-line cart (24.50 USD) every FIXED 1.00 test coupon applies to. */
export const TEST_CART = {
  currency: "USD",
  items: [{ productId: "espresso-beans", categoryIds: ["coffee"], unitPrice: 2450, quantity: 1 }],
  shipping: 0,
  channel: "web" as const,
};

let seq = 0;

/** A FIXED 1.00 USD coupon with these rules and one code (SHARED unless told), made through the services as an admin would. */
export async function makeTestCoupon(
  adminId: string,
  prefix: string,
  rules: Record<string, unknown>,
  code: { kind?: "SHARED" | "UNIQUE"; maxRedemptions?: number } = {},
) {
  const coupon = await createCoupon(
    createCouponInput.parse({ name: `${prefix} test`, kind: "FIXED", value: 100, currency: "USD", ...rules }),
    { userId: adminId },
  );
  const created = await createCode({
    couponId: coupon.id,
    kind: code.kind ?? "SHARED",
    code: `${prefix}${Date.now().toString(36)}${(seq++).toString(36)}`.toUpperCase(),
    maxRedemptions: code.maxRedemptions,
  });
  return { couponId: coupon.id, code: created.code, codeId: created.id };
}

/** A caller with a varying client address (the rate limits are per IP too). */
export function testCaller(id: string, subnet: number) {
  seq += 1;
  return { customer: { id }, ip: `10.${subnet}.${seq % 250}.${id.length % 250}` };
}

/** Redemptions that hold a use of the coupon (not voided with uses given back), as Postgres has them. */
export async function countRedemptions(couponId: string): Promise<number> {
  const [row] = await getDb().execute<{ n: number }>(
    sql`select count(*)::int as n from redemptions where coupon_id = ${couponId} and not uses_restored`,
  );
  return row!.n;
}

/** The Redis gate's use count of the coupon, or undefined when it holds no state for it. */
export async function gateUsesInRedis(redis: Redis, couponId: string): Promise<number | undefined> {
  const [usage] = await readUsage(redis, [{ couponId, codeIds: [], customerId: null }]);
  return usage?.loaded ? usage.uses : undefined;
}
