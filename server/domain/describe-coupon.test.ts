import { describe, expect, it } from "vitest";
import { describeCouponRules, describeValue } from "./describe-coupon";

const base = {
  kind: "PERCENT" as const,
  value: 1250,
  currency: "USD",
  maxDiscount: 5000,
  minOrderAmount: null,
  validFrom: null,
  validUntil: new Date("2030-01-31T12:00:00Z"),
  maxRedemptions: 100,
  maxRedemptionsPerUser: 1,
  budget: null,
  productIds: [],
  categoryIds: ["coffee"],
  allowedEmailDomains: [],
  firstOrderOnly: false,
  channels: [],
  stacking: "STACKABLE" as const,
  priority: 0,
  voidRestoresUses: true,
};

describe("describeCouponRules", () => {
  it("says the rules in words", () => {
    expect(describeCouponRules(base)).toEqual([
      "12.5 % off categories coffee, at most $50.00.",
      "Valid until Jan 31, 2030, 12:00 PM UTC.",
      "At most 100 uses in total.",
      "Once per customer.",
      "On every channel.",
      "Stacks with other codes (priority 0).",
      "A voided redemption gives its use back.",
    ]);
  });

  it("values", () => {
    expect(describeValue({ kind: "FIXED", value: 1000, currency: "USD" })).toBe("$10.00 off");
    expect(describeValue({ kind: "FREE_SHIPPING", value: null, currency: null })).toBe("Free shipping");
  });
});
