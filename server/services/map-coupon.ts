import type { CouponRow } from "@/server/db/schema";
import { gateStatusOf } from "@/server/domain/coupon-status";
import type { Coupon } from "@/server/domain/quote";

/** A coupons row as the engine's Coupon (rules only), plus the version for cache checks. */
export function toDomainCoupon(row: CouponRow): Coupon & { version: number } {
  const common = {
    id: row.id,
    version: row.version,
    currency: row.currency,
    minOrderAmount: row.minOrderAmount,
    validFrom: row.validFrom,
    validUntil: row.validUntil,
    status: gateStatusOf(row.status),
    maxRedemptions: row.maxRedemptions,
    maxRedemptionsPerUser: row.maxRedemptionsPerUser,
    budget: row.budget,
    productIds: row.productIds,
    categoryIds: row.categoryIds,
    allowedEmailDomains: row.allowedEmailDomains,
    firstOrderOnly: row.firstOrderOnly,
    channels: row.channels as Coupon["channels"],
    stacking: row.stacking,
    priority: row.priority,
  };
  switch (row.kind) {
    case "PERCENT":
      return { ...common, kind: "PERCENT", value: row.value ?? 0, maxDiscount: row.maxDiscount };
    case "FIXED":
      return { ...common, kind: "FIXED", value: row.value ?? 0, currency: row.currency ?? "" };
    case "FREE_SHIPPING":
      return { ...common, kind: "FREE_SHIPPING", value: null };
  }
}

/** Cached rules are JSON: dates come back as strings. */
export function reviveCachedCoupon(cached: Coupon & { version: number }): Coupon & { version: number } {
  return {
    ...cached,
    validFrom: cached.validFrom == null ? null : new Date(cached.validFrom),
    validUntil: cached.validUntil == null ? null : new Date(cached.validUntil),
  };
}
