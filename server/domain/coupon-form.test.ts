import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  basisPointsToPercentText,
  couponFormSchema,
  EMPTY_COUPON_FORM,
  minorToMoneyText,
  moneyTextToMinor,
  percentTextToBasisPoints,
} from "./coupon-form";

describe("coupon form conversions", () => {
  it.each([
    ["12.5", 1250],
    ["12.50", 1250],
    ["0.01", 1],
    ["100", 10000],
    ["7", 700],
  ])("percent %s = %i basis points", (text, bp) => {
    expect(percentTextToBasisPoints(text)).toBe(bp);
  });

  it("percent and money text round-trip exactly (no floating point)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), (bp) => {
        expect(percentTextToBasisPoints(basisPointsToPercentText(bp))).toBe(bp);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 12 }), (minor) => {
        expect(moneyTextToMinor(minorToMoneyText(minor))).toBe(minor);
      }),
    );
    expect(moneyTextToMinor("0.29")).toBe(29); // 0.29 * 100 is 28.999... in floating point
  });
});

describe("couponFormSchema (form formats, then the server's schema)", () => {
  const parse = (change: Partial<typeof EMPTY_COUPON_FORM>) =>
    couponFormSchema.safeParse({ ...EMPTY_COUPON_FORM, name: "Summer", value: "12.5", ...change });

  it("turns a percent form into the API input", () => {
    const result = parse({ maxDiscount: "50", maxRedemptions: "100", channels: ["web"] });
    expect(result.success).toBe(true);
    expect(result.data).toMatchObject({
      kind: "PERCENT",
      value: 1250,
      maxDiscount: 5000,
      maxRedemptions: 100,
      channels: ["web"],
      lifecycleStatus: "ACTIVE",
    });
  });

  it.each([
    [{ value: "150" }, "value", /at most 100 %/],
    [{ value: "0" }, "value", /more than 0 %/],
    [{ name: "" }, "name", /name is required/],
    [{ maxDiscount: "abc" }, "maxDiscount", /amount like/],
    [{ kind: "FIXED" as const, value: "5", currency: "" }, "currency", /currency is required/i],
    [{ validFrom: "2030-01-02T00:00", validUntil: "2030-01-01T00:00" }, "validUntil", /after validFrom/],
    [{ allowedEmailDomains: "not a domain!" }, "allowedEmailDomains", /Email domains/],
  ])("%j is refused on %s", (change, field, message) => {
    const result = parse(change);
    expect(result.success).toBe(false);
    const issue = result.error!.issues.find((i) => i.path[0] === field);
    expect(issue?.message).toMatch(message);
  });
});
