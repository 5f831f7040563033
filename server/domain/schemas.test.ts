import { describe, expect, it } from "vitest";

import { MAX_MONEY_MINOR } from "./money";
import { Cart, CodeInfo, CouponRules, Customer, EnteredCodes, Money, Quote } from "./schemas";

function messagesOf(result: { success: boolean; error?: { issues: { message: string }[] } }): string[] {
  return result.error?.issues.map((issue) => issue.message) ?? [];
}

const item = { productId: "p1", categoryIds: ["c1"], unitPrice: 1999, quantity: 2 };
const cart = { currency: "USD", items: [item], shipping: 500 };

describe("Money", () => {
  it.each([0, 1, MAX_MONEY_MINOR])("accepts %d", (value) => {
    expect(Money.parse(value)).toBe(value);
  });

  it.each([-1, 1.5, MAX_MONEY_MINOR + 1, Number.NaN, Number.POSITIVE_INFINITY, "100", null])(
    "rejects %s with a clear message",
    (value) => {
      const result = Money.safeParse(value);
      expect(result.success).toBe(false);
      expect(messagesOf(result)).toContain(
        `Amounts are integers in minor units (e.g. cents) from 0 to ${MAX_MONEY_MINOR}.`,
      );
    },
  );
});

describe("Cart", () => {
  it("parses a cart and fills defaults", () => {
    expect(Cart.parse({ currency: "EUR", items: [{ productId: "p1", unitPrice: 0, quantity: 1 }] })).toEqual({
      currency: "EUR",
      items: [{ productId: "p1", categoryIds: [], unitPrice: 0, quantity: 1 }],
      shipping: 0,
    });
    expect(Cart.parse({ ...cart, channel: "pos" })).toEqual({ ...cart, channel: "pos" });
  });

  it.each([
    { patch: { currency: "usd" }, message: "Currency must be an ISO 4217 code of 3 upper-case letters, e.g. USD." },
    { patch: { currency: "US" }, message: "Currency must be an ISO 4217 code of 3 upper-case letters, e.g. USD." },
    { patch: { items: [] }, message: "A cart has at least one item." },
    { patch: { items: Array.from({ length: 501 }, () => item) }, message: "A cart has at most 500 items." },
    { patch: { items: [{ ...item, quantity: 0 }] }, message: "Quantity must be at least 1." },
    { patch: { items: [{ ...item, quantity: 10_001 }] }, message: "Quantity must be at most 10000." },
    { patch: { items: [{ ...item, quantity: 1.5 }] }, message: "Quantity must be an integer." },
    { patch: { items: [{ ...item, productId: "" }] }, message: "Ids must not be empty." },
    { patch: { items: [{ ...item, productId: "p".repeat(129) }] }, message: "Ids have at most 128 characters." },
    {
      patch: { items: [{ ...item, unitPrice: -5 }] },
      message: `Amounts are integers in minor units (e.g. cents) from 0 to ${MAX_MONEY_MINOR}.`,
    },
    { patch: { channel: "email" }, message: "Channel must be one of: web, app, pos, partner." },
    {
      patch: { items: [{ ...item, unitPrice: MAX_MONEY_MINOR, quantity: 2 }] },
      message: `Unit price x quantity must be at most ${MAX_MONEY_MINOR} minor units.`,
    },
  ])("rejects $patch", ({ patch, message }) => {
    const result = Cart.safeParse({ ...cart, ...patch });
    expect(result.success).toBe(false);
    expect(messagesOf(result)).toContain(message);
  });

  it("accepts 500 lines x 10,000 at the largest price that keeps the total within MAX_MONEY_MINOR, and not a cent more", () => {
    const maxPrice = MAX_MONEY_MINOR / (500 * 10_000); // 200,000,000 minor units per unit
    const items = Array.from({ length: 500 }, (_, index) => ({
      productId: `p${index}`,
      categoryIds: [],
      unitPrice: maxPrice,
      quantity: 10_000,
    }));
    expect(Cart.safeParse({ currency: "USD", items, shipping: 0 }).success).toBe(true);

    const overByShipping = Cart.safeParse({ currency: "USD", items, shipping: 1 });
    expect(messagesOf(overByShipping)).toEqual([
      `The cart total (items plus shipping) must be at most ${MAX_MONEY_MINOR} minor units.`,
    ]);
    const overByPrice = Cart.safeParse({
      currency: "USD",
      items: [...items.slice(1), { ...items[0], unitPrice: maxPrice + 1 }],
      shipping: 0,
    });
    expect(overByPrice.success).toBe(false);
  });
});

describe("Customer", () => {
  it("accepts an id with optional email and order count", () => {
    expect(Customer.parse({ id: "u1" })).toEqual({ id: "u1" });
    expect(Customer.parse({ id: "u1", email: "ann@example.com", previousOrders: 0 })).toEqual({
      id: "u1",
      email: "ann@example.com",
      previousOrders: 0,
    });
  });

  it.each([
    { input: { id: "" }, message: "Ids must not be empty." },
    { input: { id: "u1", email: "not-an-email" }, message: "Email must be a valid email address." },
    { input: { id: "u1", previousOrders: -1 }, message: "previousOrders must not be negative." },
  ])("rejects $input", ({ input, message }) => {
    expect(messagesOf(Customer.safeParse(input))).toContain(message);
  });
});

describe("EnteredCodes", () => {
  it("accepts up to 20 codes of any shape (their format is judged per code)", () => {
    expect(EnteredCodes.parse(["summer 20", "??"])).toEqual(["summer 20", "??"]);
    expect(EnteredCodes.safeParse(Array.from({ length: 21 }, () => "CODE")).success).toBe(false);
    expect(EnteredCodes.safeParse(["A".repeat(257)]).success).toBe(false);
  });
});

describe("CouponRules", () => {
  const percent = { kind: "PERCENT", value: 1250, status: "ACTIVE" } as const;

  it("fills defaults for optional targeting and stacking", () => {
    expect(CouponRules.parse(percent)).toEqual({
      ...percent,
      productIds: [],
      categoryIds: [],
      allowedEmailDomains: [],
      firstOrderOnly: false,
      channels: [],
      stacking: "STACKABLE",
      priority: 0,
    });
  });

  it("accepts database-style nulls, ISO strings and Dates, and lower-cases email domains", () => {
    const parsed = CouponRules.parse({
      kind: "FIXED",
      value: 500,
      currency: "USD",
      status: "ACTIVE",
      maxDiscount: null,
      minOrderAmount: 2000,
      validFrom: "2025-01-01T00:00:00Z",
      validUntil: new Date("2025-02-01T00:00:00Z"),
      budget: null,
      allowedEmailDomains: [" Example.COM "],
    });
    expect(parsed.validFrom).toEqual(new Date("2025-01-01T00:00:00Z"));
    expect(parsed.validUntil).toEqual(new Date("2025-02-01T00:00:00Z"));
    expect(parsed.allowedEmailDomains).toEqual(["example.com"]);
    expect(CouponRules.parse({ kind: "FREE_SHIPPING", status: "ACTIVE", value: null }).kind).toBe("FREE_SHIPPING");
  });

  it.each([
    { input: { ...percent, value: 0 }, message: "A percentage must be more than 0 %." },
    { input: { ...percent, value: 10_001 }, message: "A percentage must be at most 100 % (10000 basis points)." },
    { input: { ...percent, value: 12.5 }, message: "A percentage is stored as integer basis points (12.5 % = 1250)." },
    {
      input: { ...percent, maxDiscount: 500 },
      message: "A currency is required when the coupon has an amount, maxDiscount, minOrderAmount or budget.",
    },
    {
      input: { ...percent, budget: 0, currency: "USD" },
      message: "A budget must be at least 1 (leave empty for no budget).",
    },
    {
      input: { kind: "FIXED", value: 500, status: "ACTIVE" },
      message: "A currency is required. Currency must be an ISO 4217 code of 3 upper-case letters, e.g. USD.",
    },
    {
      input: { kind: "FIXED", value: 500, currency: 840, status: "ACTIVE" },
      message: "Currency must be an ISO 4217 code of 3 upper-case letters, e.g. USD.",
    },
    {
      input: { kind: "FIXED", value: 0, currency: "USD", status: "ACTIVE" },
      message: "A fixed amount must be at least 1 minor unit.",
    },
    {
      input: { kind: "FIXED", value: 500, currency: "USD", status: "ACTIVE", maxDiscount: 100 },
      message: "maxDiscount only applies to PERCENT coupons.",
    },
    {
      input: { kind: "FREE_SHIPPING", value: 5, status: "ACTIVE" },
      message: "FREE_SHIPPING coupons have no value (leave it empty).",
    },
    {
      input: { kind: "BOGO", value: 5, status: "ACTIVE" },
      message: "Kind must be one of: PERCENT, FIXED, FREE_SHIPPING.",
    },
    { input: { ...percent, status: "PAUSED" }, message: "Status must be one of: ACTIVE, DISABLED, ARCHIVED." },
    { input: { ...percent, maxRedemptions: 0 }, message: "Limits must be at least 1 (leave empty for no limit)." },
    {
      input: { ...percent, allowedEmailDomains: ["@example.com"] },
      message: "Email domains look like example.com (no @, no spaces).",
    },
    { input: { ...percent, channels: ["fax"] }, message: "Channel must be one of: web, app, pos, partner." },
    { input: { ...percent, priority: 1001 }, message: "Priority must be at most 1000." },
    {
      input: { ...percent, validFrom: "2025-01-01" },
      message: "Expected a date: an ISO 8601 date-time with a time zone, e.g. 2025-01-31T23:59:59Z.",
    },
    {
      input: { ...percent, validFrom: "2025-02-01T00:00:00Z", validUntil: "2025-02-01T00:00:00Z" },
      message: "validUntil must be after validFrom.",
    },
  ])("rejects with '$message'", ({ input, message }) => {
    const result = CouponRules.safeParse(input);
    expect(result.success).toBe(false);
    expect(messagesOf(result)).toContain(message);
  });
});

describe("CodeInfo and Quote", () => {
  it("parses code info", () => {
    expect(CodeInfo.parse({ state: "ASSIGNED", assignedUserId: "u1", maxRedemptions: 1 })).toEqual({
      state: "ASSIGNED",
      assignedUserId: "u1",
      maxRedemptions: 1,
    });
    expect(CodeInfo.safeParse({ state: "USED" }).success).toBe(false);
  });

  it("describes a quote", () => {
    const quote = {
      currency: "USD",
      subtotal: 3998,
      discountTotal: 500,
      shipping: 500,
      shippingDiscount: 500,
      total: 3498,
      applied: [
        { code: "SAVE", couponId: "c1", kind: "PERCENT", amount: 500, lines: [{ productId: "p1", amount: 500 }] },
      ],
      rejected: [
        { code: "NOPE", reason: "NOT_FOUND", message: "This code is not valid. Please check the code and try again." },
      ],
    };
    expect(Quote.parse(quote)).toEqual(quote);
    expect(Quote.safeParse({ ...quote, rejected: [{ code: "X", reason: "NOPE", message: "" }] }).success).toBe(false);
  });
});
