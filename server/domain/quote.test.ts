import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { MAX_MONEY_MINOR } from "./money";
import { type Candidate, type Coupon, type ResolvedCandidate, type UsageSnapshot, quote } from "./quote";
import { REASON_MESSAGES, type Reason } from "./reasons";
import { Cart, type CodeInfo, CouponRules, type Customer, Quote } from "./schemas";

const NOW = new Date("2025-06-01T12:00:00.000Z");
const ANN: Customer = { id: "u1", email: "ann@example.com", previousOrders: 0 };

function makeCoupon(id: string, rules: Record<string, unknown>): Coupon {
  return { ...CouponRules.parse({ status: "ACTIVE", ...rules }), id };
}
const percentCoupon = (id: string, basisPoints: number, rules: Record<string, unknown> = {}) =>
  makeCoupon(id, { kind: "PERCENT", value: basisPoints, ...rules });
const fixedCoupon = (id: string, amount: number, rules: Record<string, unknown> = {}) =>
  makeCoupon(id, { kind: "FIXED", value: amount, currency: "USD", ...rules });
const freeShippingCoupon = (id: string, rules: Record<string, unknown> = {}) =>
  makeCoupon(id, { kind: "FREE_SHIPPING", ...rules });

function candidate(
  code: string,
  coupon: Coupon,
  codeInfo: Partial<CodeInfo> = {},
  codeId = `id-${code}`,
): ResolvedCandidate {
  return { code, codeId, coupon, codeInfo: { state: "AVAILABLE", ...codeInfo } };
}

type Line = [productId: string, unitPrice: number, quantity?: number, categoryIds?: string[]];
function makeCart(lines: Line[], shipping = 0, rest: Record<string, unknown> = { channel: "web" }): Cart {
  return Cart.parse({
    currency: "USD",
    items: lines.map(([productId, unitPrice, quantity = 1, categoryIds = []]) => ({
      productId,
      unitPrice,
      quantity,
      categoryIds,
    })),
    shipping,
    ...rest,
  });
}

// A: 10,000 in "shoes"; B: 2 x 5,000 in "hats"; shipping 700. Subtotal 20,000.
const CART = makeCart(
  [
    ["A", 10_000, 1, ["shoes"]],
    ["B", 5_000, 2, ["hats"]],
  ],
  700,
);

function runQuote(
  cart: Cart,
  candidates: Candidate[],
  {
    customer = ANN,
    usage = {},
    maxCodesPerCart = 5,
  }: { customer?: Customer | null; usage?: UsageSnapshot; maxCodesPerCart?: number } = {},
) {
  return quote(cart, candidates, customer, usage, NOW, { maxCodesPerCart });
}

const rejection = (code: string, reason: Reason) => ({ code, reason, message: REASON_MESSAGES[reason] });

describe("quote: one code of each kind", () => {
  it("PERCENT: eligible subtotal x rate, rounded half up, allocated per line", () => {
    const cart = makeCart([["A", 1_999, 2]], 500);
    const result = runQuote(cart, [candidate("SAVE12", percentCoupon("k1", 1_250))]);
    expect(result).toEqual({
      currency: "USD",
      subtotal: 3_998,
      discountTotal: 500, // 499.75
      shipping: 500,
      shippingDiscount: 0,
      total: 3_998,
      applied: [
        { code: "SAVE12", couponId: "k1", kind: "PERCENT", amount: 500, lines: [{ productId: "A", amount: 500 }] },
      ],
      rejected: [],
    });
  });

  it("PERCENT: capped by maxDiscount", () => {
    const result = runQuote(CART, [
      candidate("HALF", percentCoupon("k1", 5_000, { maxDiscount: 3_001, currency: "USD" })),
    ]);
    expect(result.applied).toEqual([
      {
        code: "HALF",
        couponId: "k1",
        kind: "PERCENT",
        amount: 3_001,
        lines: [
          { productId: "A", amount: 1_501 },
          { productId: "B", amount: 1_500 },
        ],
      },
    ]);
    expect(result.total).toBe(20_000 - 3_001 + 700);
  });

  it("FIXED: the amount, split in proportion to the lines", () => {
    const cart = makeCart([
      ["A", 1_000],
      ["B", 3_000],
    ]);
    const result = runQuote(cart, [candidate("TENOFF", fixedCoupon("k1", 100))]);
    expect(result.applied).toEqual([
      {
        code: "TENOFF",
        couponId: "k1",
        kind: "FIXED",
        amount: 100,
        lines: [
          { productId: "A", amount: 25 },
          { productId: "B", amount: 75 },
        ],
      },
    ]);
    expect(result).toMatchObject({ subtotal: 4_000, discountTotal: 100, total: 3_900 });
  });

  it("FIXED: never more than the eligible subtotal", () => {
    const result = runQuote(CART, [candidate("BIG", fixedCoupon("k1", 50_000))]);
    expect(result).toMatchObject({ subtotal: 20_000, discountTotal: 20_000, shippingDiscount: 0, total: 700 });
    expect(result.applied[0]?.lines).toEqual([
      { productId: "A", amount: 10_000 },
      { productId: "B", amount: 10_000 },
    ]);
  });

  it("FREE_SHIPPING: the shipping amount, and nothing off the items", () => {
    const result = runQuote(CART, [candidate("SHIPFREE", freeShippingCoupon("k1"))]);
    expect(result).toMatchObject({
      subtotal: 20_000,
      discountTotal: 0,
      shipping: 700,
      shippingDiscount: 700,
      total: 20_000,
    });
    expect(result.applied).toEqual([
      { code: "SHIPFREE", couponId: "k1", kind: "FREE_SHIPPING", amount: 700, lines: [] },
    ]);
  });

  it("100 % off is valid and leaves only the shipping", () => {
    const result = runQuote(CART, [candidate("ALL", percentCoupon("k1", 10_000))]);
    expect(result).toMatchObject({ discountTotal: 20_000, total: 700 });
    expect(result.applied[0]?.lines).toEqual([
      { productId: "A", amount: 10_000 },
      { productId: "B", amount: 10_000 },
    ]);
  });
});

describe("quote: every reason the engine decides", () => {
  const targetedShoes = { categoryIds: ["shoes"] };
  const zeroCart = makeCart([["FREEBIE", 0, 3]], 700);

  it.each<{
    name: string;
    candidate: Candidate;
    expected: Reason;
    cart?: Cart;
    customer?: Customer | null;
    usage?: UsageSnapshot;
  }>([
    { name: "upstream: bad format", candidate: { code: "A?", reason: "INVALID_FORMAT" }, expected: "INVALID_FORMAT" },
    { name: "upstream: no such code", candidate: { code: "NOPE1234", reason: "NOT_FOUND" }, expected: "NOT_FOUND" },
    {
      name: "coupon disabled",
      candidate: candidate("C", percentCoupon("k1", 1_000, { status: "DISABLED" })),
      expected: "DISABLED",
    },
    {
      name: "coupon archived",
      candidate: candidate("C", percentCoupon("k1", 1_000, { status: "ARCHIVED" })),
      expected: "DISABLED",
    },
    {
      name: "code disabled",
      candidate: candidate("C", percentCoupon("k1", 1_000), { state: "DISABLED" }),
      expected: "DISABLED",
    },
    {
      name: "starts 1 ms from now",
      candidate: candidate("C", percentCoupon("k1", 1_000, { validFrom: new Date(NOW.getTime() + 1) })),
      expected: "NOT_STARTED",
    },
    {
      name: "ends now",
      candidate: candidate("C", percentCoupon("k1", 1_000, { validUntil: NOW })),
      expected: "EXPIRED",
    },
    {
      name: "ended yesterday",
      candidate: candidate("C", percentCoupon("k1", 1_000, { validUntil: new Date(NOW.getTime() - 86_400_000) })),
      expected: "EXPIRED",
    },
    {
      name: "minimum on the eligible subtotal (10,000 of shoes), not the cart (20,000)",
      candidate: candidate(
        "C",
        percentCoupon("k1", 1_000, { ...targetedShoes, minOrderAmount: 10_001, currency: "USD" }),
      ),
      expected: "MIN_ORDER_NOT_MET",
    },
    {
      name: "whole-cart minimum",
      candidate: candidate("C", fixedCoupon("k1", 500, { minOrderAmount: 20_001 })),
      expected: "MIN_ORDER_NOT_MET",
    },
    {
      name: "no targeted product in the cart",
      candidate: candidate("C", percentCoupon("k1", 1_000, { productIds: ["Z"] })),
      expected: "NO_ELIGIBLE_ITEMS",
    },
    {
      name: "targeted free shipping without a matching item",
      candidate: candidate("C", freeShippingCoupon("k1", { categoryIds: ["socks"] })),
      expected: "NO_ELIGIBLE_ITEMS",
    },
    {
      name: "only zero-priced items",
      candidate: candidate("C", percentCoupon("k1", 1_000)),
      cart: zeroCart,
      expected: "NO_ELIGIBLE_ITEMS",
    },
    {
      name: "global limit reached (redeemed + locked)",
      candidate: candidate("C", percentCoupon("k1", 1_000, { maxRedemptions: 10 })),
      usage: { coupons: { k1: { uses: 10, discountSpent: 0 } } },
      expected: "EXHAUSTED",
    },
    {
      name: "budget spent",
      candidate: candidate("C", percentCoupon("k1", 1_000, { budget: 1_000, currency: "USD" })),
      usage: { coupons: { k1: { uses: 3, discountSpent: 1_000 } } },
      expected: "EXHAUSTED",
    },
    {
      name: "multi-use code used up",
      candidate: candidate("C", percentCoupon("k1", 1_000), { maxRedemptions: 5 }, "code-1"),
      usage: { codes: { "code-1": { redeemed: 5, locked: 0 } } },
      expected: "EXHAUSTED",
    },
    {
      name: "multi-use code marked redeemed",
      candidate: candidate("C", percentCoupon("k1", 1_000), { maxRedemptions: 3, state: "REDEEMED" }),
      expected: "EXHAUSTED",
    },
    {
      name: "per-user limit reached",
      candidate: candidate("C", percentCoupon("k1", 1_000, { maxRedemptionsPerUser: 1 })),
      usage: { customerCoupons: { k1: 1 } },
      expected: "USER_LIMIT_REACHED",
    },
    {
      name: "assigned to someone else",
      candidate: candidate("C", percentCoupon("k1", 1_000), { state: "ASSIGNED", assignedUserId: "u2" }),
      expected: "NOT_ASSIGNED_TO_USER",
    },
    {
      name: "other email domain",
      candidate: candidate("C", percentCoupon("k1", 1_000, { allowedEmailDomains: ["acme.com"] })),
      expected: "EMAIL_DOMAIN_NOT_ALLOWED",
    },
    {
      name: "subdomain is not the domain",
      candidate: candidate("C", percentCoupon("k1", 1_000, { allowedEmailDomains: ["acme.com"] })),
      customer: { id: "u1", email: "bob@eu.acme.com" },
      expected: "EMAIL_DOMAIN_NOT_ALLOWED",
    },
    {
      name: "known customer without email",
      candidate: candidate("C", percentCoupon("k1", 1_000, { allowedEmailDomains: ["example.com"] })),
      customer: { id: "u1" },
      expected: "EMAIL_DOMAIN_NOT_ALLOWED",
    },
    {
      name: "not the first order",
      candidate: candidate("C", percentCoupon("k1", 1_000, { firstOrderOnly: true })),
      customer: { id: "u1", previousOrders: 1 },
      expected: "FIRST_ORDER_ONLY",
    },
    {
      name: "unknown order history fails closed",
      candidate: candidate("C", percentCoupon("k1", 1_000, { firstOrderOnly: true })),
      customer: { id: "u1" },
      expected: "FIRST_ORDER_ONLY",
    },
    {
      name: "POS-only code on the web",
      candidate: candidate("C", percentCoupon("k1", 1_000, { channels: ["pos"] })),
      expected: "CHANNEL_NOT_ALLOWED",
    },
    {
      name: "restricted code, cart without channel",
      candidate: candidate("C", percentCoupon("k1", 1_000, { channels: ["web"] })),
      cart: makeCart([["A", 100]], 0, {}),
      expected: "CHANNEL_NOT_ALLOWED",
    },
    {
      name: "FIXED in EUR on a USD cart",
      candidate: candidate("C", fixedCoupon("k1", 500, { currency: "EUR" })),
      expected: "CURRENCY_MISMATCH",
    },
    {
      name: "PERCENT with a EUR cap on a USD cart",
      candidate: candidate("C", percentCoupon("k1", 1_000, { maxDiscount: 500, currency: "EUR" })),
      expected: "CURRENCY_MISMATCH",
    },
    {
      name: "single-use code held by a checkout",
      candidate: candidate("C", percentCoupon("k1", 1_000), { state: "LOCKED", maxRedemptions: 1 }),
      expected: "LOCKED",
    },
    {
      name: "multi-use code with its last use held by a lock",
      candidate: candidate("C", percentCoupon("k1", 1_000), { maxRedemptions: 3 }, "code-1"),
      usage: { codes: { "code-1": { redeemed: 2, locked: 1 } } },
      expected: "LOCKED",
    },
    {
      name: "single-use code redeemed",
      candidate: candidate("C", percentCoupon("k1", 1_000), { state: "REDEEMED", maxRedemptions: 1 }),
      expected: "ALREADY_REDEEMED",
    },
    {
      name: "single-use code counted as redeemed",
      candidate: candidate("C", percentCoupon("k1", 1_000), { maxRedemptions: 1 }, "code-1"),
      usage: { codes: { "code-1": { redeemed: 1, locked: 0 } } },
      expected: "ALREADY_REDEEMED",
    },
    {
      name: "per-user limit needs a customer",
      candidate: candidate("C", percentCoupon("k1", 1_000, { maxRedemptionsPerUser: 1 })),
      customer: null,
      expected: "LOGIN_REQUIRED",
    },
    {
      name: "assigned code needs a customer",
      candidate: candidate("C", percentCoupon("k1", 1_000), { state: "ASSIGNED", assignedUserId: "u1" }),
      customer: null,
      expected: "LOGIN_REQUIRED",
    },
    {
      name: "email domain needs a customer",
      candidate: candidate("C", percentCoupon("k1", 1_000, { allowedEmailDomains: ["example.com"] })),
      customer: null,
      expected: "LOGIN_REQUIRED",
    },
    {
      name: "first order needs a customer",
      candidate: candidate("C", percentCoupon("k1", 1_000, { firstOrderOnly: true })),
      customer: null,
      expected: "LOGIN_REQUIRED",
    },
  ])("$name -> $expected", ({ candidate: entered, expected, cart = CART, customer = ANN, usage = {} }) => {
    const result = runQuote(cart, [entered], { customer, usage });
    expect(result.rejected).toEqual([rejection(entered.code, expected)]);
    expect(result.applied).toEqual([]);
    expect(result).toMatchObject({ discountTotal: 0, shippingDiscount: 0, total: cart.shipping + result.subtotal });
  });

  it.each<{
    name: string;
    candidate: Candidate;
    amount: number;
    cart?: Cart;
    customer?: Customer | null;
    usage?: UsageSnapshot;
  }>([
    { name: "starts now", candidate: candidate("C", percentCoupon("k1", 1_000, { validFrom: NOW })), amount: 2_000 },
    {
      name: "ends 1 ms from now",
      candidate: candidate("C", percentCoupon("k1", 1_000, { validUntil: new Date(NOW.getTime() + 1) })),
      amount: 2_000,
    },
    {
      name: "minimum met exactly on the eligible subtotal",
      candidate: candidate(
        "C",
        percentCoupon("k1", 1_000, { ...targetedShoes, minOrderAmount: 10_000, currency: "USD" }),
      ),
      amount: 1_000,
    },
    {
      name: "one global use left",
      candidate: candidate("C", percentCoupon("k1", 1_000, { maxRedemptions: 10 })),
      usage: { coupons: { k1: { uses: 9, discountSpent: 0 } } },
      amount: 2_000,
    },
    {
      name: "one cent of budget left: capped to it",
      candidate: candidate("C", percentCoupon("k1", 1_000, { budget: 1_000, currency: "USD" })),
      usage: { coupons: { k1: { uses: 9, discountSpent: 999 } } },
      amount: 1,
    },
    {
      name: "per-user limit not reached",
      candidate: candidate("C", percentCoupon("k1", 1_000, { maxRedemptionsPerUser: 2 })),
      usage: { customerCoupons: { k1: 1 } },
      amount: 2_000,
    },
    {
      name: "assigned to this customer",
      candidate: candidate("C", percentCoupon("k1", 1_000), { state: "ASSIGNED", assignedUserId: "u1" }),
      amount: 2_000,
    },
    {
      name: "email domain matches, case-insensitively",
      candidate: candidate("C", percentCoupon("k1", 1_000, { allowedEmailDomains: ["ACME.com"] })),
      customer: { id: "u1", email: "Ann@Acme.COM" },
      amount: 2_000,
    },
    {
      name: "first order",
      candidate: candidate("C", percentCoupon("k1", 1_000, { firstOrderOnly: true })),
      amount: 2_000,
    },
    {
      name: "allowed channel",
      candidate: candidate("C", percentCoupon("k1", 1_000, { channels: ["web", "app"] })),
      amount: 2_000,
    },
    {
      name: "multi-use code with a use left",
      candidate: candidate("C", percentCoupon("k1", 1_000), { maxRedemptions: 3 }, "code-1"),
      usage: { codes: { "code-1": { redeemed: 1, locked: 1 } } },
      amount: 2_000,
    },
    {
      name: "anonymous shopper, no per-user rule",
      candidate: candidate("C", percentCoupon("k1", 1_000)),
      customer: null,
      amount: 2_000,
    },
    {
      name: "whole-cart free shipping on free items",
      candidate: candidate("C", freeShippingCoupon("k1")),
      cart: zeroCart,
      amount: 700,
    },
  ])("$name -> applied ($amount)", ({ candidate: entered, amount, cart = CART, customer = ANN, usage = {} }) => {
    const result = runQuote(cart, [entered], { customer, usage });
    expect(result.rejected).toEqual([]);
    expect(result.applied.map((entry) => entry.amount)).toEqual([amount]);
  });
});

describe("quote: stacking", () => {
  it("applies item-targeted before whole-cart and PERCENT before FIXED, each on what is left", () => {
    const wholeFixed = candidate("W-FIXED", fixedCoupon("k1", 1_000));
    const wholePercent = candidate("W-PERCENT", percentCoupon("k2", 1_000));
    const shoesHalf = candidate("SHOES", percentCoupon("k3", 5_000, { categoryIds: ["shoes"] }));
    const result = runQuote(CART, [wholeFixed, wholePercent, shoesHalf]);
    expect(result.applied).toEqual([
      { code: "SHOES", couponId: "k3", kind: "PERCENT", amount: 5_000, lines: [{ productId: "A", amount: 5_000 }] },
      {
        code: "W-PERCENT",
        couponId: "k2",
        kind: "PERCENT",
        amount: 1_500, // 10 % of 5,000 + 10,000 left
        lines: [
          { productId: "A", amount: 500 },
          { productId: "B", amount: 1_000 },
        ],
      },
      {
        code: "W-FIXED",
        couponId: "k1",
        kind: "FIXED",
        amount: 1_000, // over 4,500 + 9,000 left
        lines: [
          { productId: "A", amount: 333 },
          { productId: "B", amount: 667 },
        ],
      },
    ]);
    expect(result).toMatchObject({ discountTotal: 7_500, total: 20_000 - 7_500 + 700, rejected: [] });
  });

  it("applies PERCENT before FIXED even when the FIXED coupon has the higher priority", () => {
    const cart = makeCart([["A", 10_000]]);
    const result = runQuote(cart, [
      candidate("F", fixedCoupon("k1", 1_000, { priority: 100 })),
      candidate("P", percentCoupon("k2", 1_000)),
    ]);
    expect(result.applied.map((entry) => [entry.code, entry.amount])).toEqual([
      ["P", 1_000],
      ["F", 1_000],
    ]);
  });

  it("applies the higher priority first, then the order entered", () => {
    const cart = makeCart([["A", 10_000]]);
    const capped = percentCoupon("k1", 5_000, { maxDiscount: 1_000, currency: "USD" });
    const urgent = percentCoupon("k2", 5_000, { priority: 10 });
    expect(
      runQuote(cart, [candidate("CAPPED", capped), candidate("URGENT", urgent)]).applied.map((entry) => [
        entry.code,
        entry.amount,
      ]),
    ).toEqual([
      ["URGENT", 5_000],
      ["CAPPED", 1_000],
    ]);
    const sameLevel = percentCoupon("k2", 5_000);
    expect(
      runQuote(cart, [candidate("CAPPED", capped), candidate("SAME", sameLevel)]).applied.map((entry) => [
        entry.code,
        entry.amount,
      ]),
    ).toEqual([
      ["CAPPED", 1_000],
      ["SAME", 4_500],
    ]);
  });

  it("keeps a code that finds nothing left, with amount 0", () => {
    const result = runQuote(CART, [
      candidate("ALL", percentCoupon("k1", 10_000)),
      candidate("MORE", fixedCoupon("k2", 500)),
    ]);
    expect(result.applied.map((entry) => [entry.code, entry.amount, entry.lines])).toEqual([
      [
        "ALL",
        20_000,
        [
          { productId: "A", amount: 10_000 },
          { productId: "B", amount: 10_000 },
        ],
      ],
      ["MORE", 0, []],
    ]);
    expect(result.total).toBe(700);
  });

  it("discounts shipping at most once in total", () => {
    const result = runQuote(CART, [
      candidate("SHIP1", freeShippingCoupon("k1")),
      candidate("SHIP2", freeShippingCoupon("k2")),
    ]);
    expect(result.applied.map((entry) => entry.amount)).toEqual([700, 0]);
    expect(result).toMatchObject({ shippingDiscount: 700, total: 20_000 });
  });

  it("an EXCLUSIVE code rejects every code entered after it", () => {
    const exclusive = candidate("ONLY", percentCoupon("k1", 1_000, { stacking: "EXCLUSIVE" }));
    const result = runQuote(CART, [
      exclusive,
      candidate("ALSO", fixedCoupon("k2", 100)),
      candidate("SHIP", freeShippingCoupon("k3")),
    ]);
    expect(result.applied.map((entry) => entry.code)).toEqual(["ONLY"]);
    expect(result.rejected).toEqual([rejection("ALSO", "NOT_STACKABLE"), rejection("SHIP", "NOT_STACKABLE")]);
  });

  it("an EXCLUSIVE code entered after others is rejected, even when it would apply first", () => {
    const result = runQuote(CART, [
      candidate("FIRST", fixedCoupon("k1", 100)),
      candidate("ONLY", percentCoupon("k2", 5_000, { stacking: "EXCLUSIVE", categoryIds: ["shoes"], priority: 99 })),
    ]);
    expect(result.applied.map((entry) => entry.code)).toEqual(["FIRST"]);
    expect(result.rejected).toEqual([rejection("ONLY", "NOT_STACKABLE")]);
  });

  it("rejected codes take no stacking slot and are not 'other codes'", () => {
    const expiredExclusive = candidate("OLD", percentCoupon("k1", 1_000, { stacking: "EXCLUSIVE", validUntil: NOW }));
    const exclusive = candidate("ONLY", percentCoupon("k2", 1_000, { stacking: "EXCLUSIVE" }));
    const result = runQuote(CART, [{ code: "TYPO", reason: "NOT_FOUND" }, expiredExclusive, exclusive]);
    expect(result.applied.map((entry) => entry.code)).toEqual(["ONLY"]);
    expect(result.rejected).toEqual([rejection("TYPO", "NOT_FOUND"), rejection("OLD", "EXPIRED")]);
  });

  it("two codes of one coupon: DUPLICATE_COUPON for the second, unless the first was rejected", () => {
    const coupon = percentCoupon("k1", 1_000);
    const twoCodes = runQuote(CART, [candidate("ONE", coupon), candidate("TWO", coupon)]);
    expect(twoCodes.applied.map((entry) => entry.code)).toEqual(["ONE"]);
    expect(twoCodes.rejected).toEqual([rejection("TWO", "DUPLICATE_COUPON")]);

    const sameCodeTwice = runQuote(CART, [candidate("ONE", coupon), candidate("ONE", coupon)]);
    expect(sameCodeTwice.rejected).toEqual([rejection("ONE", "DUPLICATE_COUPON")]);
    expect(sameCodeTwice.discountTotal).toBe(2_000);

    const firstLocked = runQuote(CART, [candidate("ONE", coupon, { state: "LOCKED" }), candidate("TWO", coupon)]);
    expect(firstLocked.applied.map((entry) => entry.code)).toEqual(["TWO"]);
    expect(firstLocked.rejected).toEqual([rejection("ONE", "LOCKED")]);
  });

  it("TOO_MANY_CODES past maxCodesPerCart accepted codes", () => {
    const codes = ["C1", "C2", "C3"].map((code, index) => candidate(code, fixedCoupon(`k${index}`, 100)));
    const result = runQuote(CART, [codes[0]!, { code: "BAD", reason: "INVALID_FORMAT" }, codes[1]!, codes[2]!], {
      maxCodesPerCart: 2,
    });
    expect(result.applied.map((entry) => entry.code)).toEqual(["C1", "C2"]);
    expect(result.rejected).toEqual([rejection("BAD", "INVALID_FORMAT"), rejection("C3", "TOO_MANY_CODES")]);
  });

  it("refuses a nonsensical maxCodesPerCart", () => {
    expect(() => runQuote(CART, [], { maxCodesPerCart: 0 })).toThrow(RangeError);
  });
});

describe("quote: budget", () => {
  it("caps the discount to the budget left, split per line", () => {
    const coupon = percentCoupon("k1", 5_000, { budget: 5_000, currency: "USD" });
    const result = runQuote(CART, [candidate("HALF", coupon)], {
      usage: { coupons: { k1: { uses: 1, discountSpent: 1_000 } } },
    });
    expect(result.applied).toEqual([
      {
        code: "HALF",
        couponId: "k1",
        kind: "PERCENT",
        amount: 4_000,
        lines: [
          { productId: "A", amount: 2_000 },
          { productId: "B", amount: 2_000 },
        ],
      },
    ]);
  });

  it("caps free shipping to the budget left", () => {
    const coupon = freeShippingCoupon("k1", { budget: 1_000, currency: "USD" });
    const result = runQuote(CART, [candidate("SHIP", coupon)], {
      usage: { coupons: { k1: { uses: 7, discountSpent: 700 } } },
    });
    expect(result).toMatchObject({ shippingDiscount: 300, total: 20_400 });
  });

  it("treats an overspent budget as exhausted", () => {
    const coupon = fixedCoupon("k1", 100, { budget: 1_000 });
    const result = runQuote(CART, [candidate("X", coupon)], {
      usage: { coupons: { k1: { uses: 20, discountSpent: 1_200 } } },
    });
    expect(result.rejected).toEqual([rejection("X", "EXHAUSTED")]);
  });
});

describe("quote: lines", () => {
  it("merges lines of one product and reports one entry per product id, sorted", () => {
    const cart = makeCart([
      ["B", 100],
      ["A", 100],
      ["A", 300],
    ]);
    const result = runQuote(cart, [candidate("X", fixedCoupon("k1", 100))]);
    expect(result.applied[0]?.lines).toEqual([
      { productId: "A", amount: 80 },
      { productId: "B", amount: 20 },
    ]);
  });

  it("judges eligibility per line when one product comes with different categories", () => {
    const cart = makeCart([
      ["A", 1_000, 1, ["sale"]],
      ["A", 1_000, 1, []],
    ]);
    const result = runQuote(cart, [candidate("X", percentCoupon("k1", 1_000, { categoryIds: ["sale"] }))]);
    expect(result.applied[0]?.lines).toEqual([{ productId: "A", amount: 100 }]);
  });

  it("breaks a tie by product id, whatever the line order", () => {
    const forward = makeCart([
      ["A", 100],
      ["B", 100],
    ]);
    const backward = makeCart([
      ["B", 100],
      ["A", 100],
    ]);
    for (const cart of [forward, backward]) {
      expect(runQuote(cart, [candidate("X", fixedCoupon("k1", 1))]).applied[0]?.lines).toEqual([
        { productId: "A", amount: 1 },
      ]);
    }
  });
});

describe("quote: edge cases", () => {
  it("a one-cent cart: 50 % rounds up to the cent, 49.99 % rounds to nothing", () => {
    const cart = makeCart([["A", 1]]);
    expect(runQuote(cart, [candidate("HALF", percentCoupon("k1", 5_000))])).toMatchObject({
      discountTotal: 1,
      total: 0,
    });
    const almostHalf = runQuote(cart, [candidate("ALMOST", percentCoupon("k1", 4_999))]);
    expect(almostHalf.applied).toEqual([{ code: "ALMOST", couponId: "k1", kind: "PERCENT", amount: 0, lines: [] }]);
    expect(almostHalf.total).toBe(1);
  });

  it("zero-priced lines get no share", () => {
    const cart = makeCart([
      ["FREEBIE", 0, 5],
      ["A", 1_000],
    ]);
    const result = runQuote(cart, [candidate("X", percentCoupon("k1", 1_000))]);
    expect(result.applied[0]?.lines).toEqual([{ productId: "A", amount: 100 }]);
  });

  it("a cap smaller than one cent per line goes to the first lines in product id order", () => {
    const lines: Line[] = Array.from({ length: 10 }, (_, index) => [`P${9 - index}`, 100]);
    const result = runQuote(makeCart(lines), [
      candidate("X", percentCoupon("k1", 5_000, { maxDiscount: 3, currency: "USD" })),
    ]);
    expect(result.applied[0]).toMatchObject({
      amount: 3,
      lines: [
        { productId: "P0", amount: 1 },
        { productId: "P1", amount: 1 },
        { productId: "P2", amount: 1 },
      ],
    });
  });

  it("500 lines x 10,000 at the largest price stay exact", () => {
    const price = MAX_MONEY_MINOR / (500 * 10_000);
    const lines: Line[] = Array.from({ length: 500 }, (_, index) => [
      `P${String(index).padStart(3, "0")}`,
      price,
      10_000,
    ]);
    const cart = makeCart(lines);
    const result = runQuote(cart, [
      candidate("THIRD", percentCoupon("k1", 3_333)),
      candidate("ONE", fixedCoupon("k2", 1)),
    ]);
    expect(result.subtotal).toBe(MAX_MONEY_MINOR);
    const [third, one] = result.applied;
    expect(third?.amount).toBe(333_300_000_000_000);
    expect(third?.lines).toHaveLength(500);
    expect(third?.lines.every((line) => line.amount === 666_600_000_000)).toBe(true);
    expect(one).toMatchObject({ amount: 1, lines: [{ productId: "P000", amount: 1 }] });
    expect(result).toMatchObject({ discountTotal: 333_300_000_000_001, total: 666_699_999_999_999 });
  });

  it("takes a percentage of a large subtotal exactly (no floating point)", () => {
    // Math.round(451061426326148 * 9168 / 10000) is one cent too many.
    const cart = makeCart([["A", 451_061_426_326_148]]);
    const result = runQuote(cart, [candidate("P", percentCoupon("k1", 9_168))]);
    expect(result.discountTotal).toBe(413_533_115_655_812);
    expect(result.total).toBe(451_061_426_326_148 - 413_533_115_655_812);
  });

  it("throws on a cart that skipped the Cart schema rather than returning a wrong sum", () => {
    const unchecked = {
      currency: "USD",
      shipping: 0,
      items: [{ productId: "A", categoryIds: [], unitPrice: MAX_MONEY_MINOR, quantity: 10 }],
    };
    expect(() => quote(unchecked, [], ANN, {}, NOW, { maxCodesPerCart: 5 })).toThrow(RangeError);
  });
});

describe("quote: properties", () => {
  const PRODUCTS = ["A", "B", "C", "D", "E", "F"];
  const CATEGORIES = ["c1", "c2", "c3"];

  const itemArb = fc.record({
    productId: fc.constantFrom(...PRODUCTS),
    categoryIds: fc.subarray(CATEGORIES),
    unitPrice: fc.oneof(
      fc.constant(0),
      fc.integer({ min: 1, max: 100 }),
      fc.integer({ min: 1, max: 100_000 }),
      fc.integer({ min: 1, max: 200_000_000 }),
    ),
    quantity: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 10_000 })),
  });
  const cartArb = fc
    .record({
      items: fc.array(itemArb, { minLength: 1, maxLength: 12 }),
      shipping: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 100_000 })),
    })
    .map(({ items, shipping }) => Cart.parse({ currency: "USD", items, shipping, channel: "web" }));

  const couponArb = fc
    .record({
      id: fc.constantFrom("k1", "k2", "k3", "k4", "k5", "k6", "k7"),
      kind: fc.constantFrom("PERCENT", "FIXED", "FREE_SHIPPING"),
      basisPoints: fc.oneof(fc.integer({ min: 1, max: 10_000 }), fc.constantFrom(1, 5_000, 10_000)),
      amount: fc.oneof(fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: 1, max: 100_000_000 })),
      maxDiscount: fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: undefined }),
      productIds: fc.subarray(PRODUCTS, { maxLength: 2 }),
      categoryIds: fc.subarray(CATEGORIES, { maxLength: 1 }),
      exclusive: fc.integer({ min: 0, max: 6 }).map((roll) => roll === 0),
      priority: fc.integer({ min: -2, max: 2 }),
      budget: fc.option(fc.integer({ min: 1, max: 100_000 }), { nil: undefined, freq: 3 }),
      minOrderAmount: fc.option(fc.integer({ min: 0, max: 50_000 }), { nil: undefined, freq: 2 }),
    })
    .map((drawn) =>
      makeCoupon(drawn.id, {
        kind: drawn.kind,
        value: drawn.kind === "PERCENT" ? drawn.basisPoints : drawn.kind === "FIXED" ? drawn.amount : undefined,
        currency: "USD",
        maxDiscount: drawn.kind === "PERCENT" ? drawn.maxDiscount : undefined,
        productIds: drawn.productIds,
        categoryIds: drawn.categoryIds,
        stacking: drawn.exclusive ? "EXCLUSIVE" : "STACKABLE",
        priority: drawn.priority,
        budget: drawn.budget,
        minOrderAmount: drawn.minOrderAmount,
      }),
    );

  const candidatesArb = fc
    .array(fc.oneof({ weight: 6, arbitrary: couponArb }, { weight: 1, arbitrary: fc.constant(null) }), { maxLength: 7 })
    .map((coupons) =>
      coupons.map((coupon, index): Candidate =>
        coupon === null
          ? { code: `CODE${index}`, reason: "NOT_FOUND" }
          : candidate(`CODE${index}`, coupon, {}, `code-${index}`),
      ),
    );

  const usageArb = fc.dictionary(
    fc.constantFrom("k1", "k2", "k3", "k4", "k5", "k6", "k7"),
    fc.record({
      uses: fc.constant(0),
      discountSpent: fc.oneof(fc.integer({ min: 0, max: 1_000 }), fc.integer({ min: 0, max: 120_000 })),
    }),
  );

  const scenarioArb = fc.record({
    cart: cartArb,
    candidates: candidatesArb,
    coupons: usageArb,
    maxCodesPerCart: fc.integer({ min: 1, max: 5 }),
  });

  it("never discounts more than there is, and the numbers add up", () => {
    fc.assert(
      fc.property(scenarioArb, ({ cart, candidates, coupons, maxCodesPerCart }) => {
        const result = runQuote(cart, candidates, { usage: { coupons }, maxCodesPerCart });
        expect(() => Quote.parse(result)).not.toThrow();

        expect(result.discountTotal).toBeLessThanOrEqual(result.subtotal);
        expect(result.shippingDiscount).toBeLessThanOrEqual(result.shipping);
        expect(result.total).toBeGreaterThanOrEqual(0);
        expect(result.total).toBe(result.subtotal - result.discountTotal + result.shipping - result.shippingDiscount);
        expect(result.applied.length + result.rejected.length).toBe(candidates.length);
        expect(result.applied.length).toBeLessThanOrEqual(maxCodesPerCart);

        const lineTotals = new Map<string, number>();
        for (const item of cart.items)
          lineTotals.set(item.productId, (lineTotals.get(item.productId) ?? 0) + item.unitPrice * item.quantity);
        const discountedPerProduct = new Map<string, number>();
        let itemDiscounts = 0;
        let shippingDiscounts = 0;
        for (const entry of result.applied) {
          const entered = candidates.find((each) => each.code === entry.code);
          if (entered === undefined || !("coupon" in entered))
            throw new Error(`applied code ${entry.code} was not a resolved candidate`);
          const { coupon } = entered;
          expect(entry.couponId).toBe(coupon.id);
          if (coupon.budget != null)
            expect(entry.amount).toBeLessThanOrEqual(
              Math.max(coupon.budget - (coupons[coupon.id]?.discountSpent ?? 0), 0),
            );
          if (entry.kind === "FREE_SHIPPING") {
            expect(entry.lines).toEqual([]);
            shippingDiscounts += entry.amount;
            continue;
          }
          itemDiscounts += entry.amount;
          expect(entry.lines.reduce((sum, line) => sum + line.amount, 0)).toBe(entry.amount);
          expect(entry.lines.map((line) => line.productId)).toEqual(
            [...entry.lines.map((line) => line.productId)].sort(),
          );
          for (const line of entry.lines) {
            expect(line.amount).toBeGreaterThan(0);
            discountedPerProduct.set(line.productId, (discountedPerProduct.get(line.productId) ?? 0) + line.amount);
          }
        }
        expect(itemDiscounts).toBe(result.discountTotal);
        expect(shippingDiscounts).toBe(result.shippingDiscount);
        for (const [productId, discounted] of discountedPerProduct)
          expect(discounted).toBeLessThanOrEqual(lineTotals.get(productId) ?? 0);
      }),
      { numRuns: 300 },
    );
  });

  it("does not depend on the order of the cart lines", () => {
    const shuffledScenarioArb = scenarioArb.chain((scenario) =>
      fc
        .shuffledSubarray(scenario.cart.items, {
          minLength: scenario.cart.items.length,
          maxLength: scenario.cart.items.length,
        })
        .map((items) => ({ ...scenario, shuffled: { ...scenario.cart, items } })),
    );
    fc.assert(
      fc.property(shuffledScenarioArb, ({ cart, shuffled, candidates, coupons, maxCodesPerCart }) => {
        const options = { usage: { coupons }, maxCodesPerCart };
        expect(runQuote(shuffled, candidates, options)).toEqual(runQuote(cart, candidates, options));
      }),
      { numRuns: 300 },
    );
  });

  it("a single whole-cart code matches the formula of SPEC.md", () => {
    fc.assert(
      fc.property(
        cartArb,
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: MAX_MONEY_MINOR }),
        (cart, basisPoints, amount) => {
          const subtotal = cart.items.reduce((sum, item) => sum + item.unitPrice * item.quantity, 0);
          fc.pre(subtotal > 0);
          const percent = runQuote(cart, [candidate("P", percentCoupon("k1", basisPoints))]);
          // Nearest integer to subtotal x bp / 10000, ties up.
          const twiceError = 2n * BigInt(subtotal) * BigInt(basisPoints) - 20_000n * BigInt(percent.discountTotal);
          expect(twiceError >= -10_000n && twiceError < 10_000n).toBe(true);
          const fixed = runQuote(cart, [candidate("F", fixedCoupon("k1", amount))]);
          expect(fixed.discountTotal).toBe(Math.min(amount, subtotal));
        },
      ),
      { numRuns: 200 },
    );
  });
});
