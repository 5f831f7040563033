// Zod schemas for the public shapes (API.md) and the coupon rules the discount engine reads.

import { z } from "zod";

import { MAX_RAW_CODE_INPUT_LENGTH } from "./code-format";
import { BASIS_POINTS_PER_WHOLE, MAX_MONEY_MINOR } from "./money";
import { REASONS } from "./reasons";

export const COUPON_KINDS = ["PERCENT", "FIXED", "FREE_SHIPPING"] as const;
/** The statuses the engine and the gate know. */
export const COUPON_STATUSES = ["ACTIVE", "DISABLED", "ARCHIVED"] as const;
/** A coupon's lifecycle in the console: DRAFT comes first and is never redeemable (the engine sees it as DISABLED). */
export const COUPON_LIFECYCLE_STATUSES = ["DRAFT", ...COUPON_STATUSES] as const;
export const STACKING_MODES = ["EXCLUSIVE", "STACKABLE"] as const;
export const CHANNELS = ["web", "app", "pos", "partner"] as const;
export const CODE_STATES = ["AVAILABLE", "ASSIGNED", "LOCKED", "REDEEMED", "DISABLED"] as const;

export const MAX_CART_ITEMS = 500;
export const MAX_ITEM_QUANTITY = 10_000;
export const MAX_ID_LENGTH = 128;
export const MAX_CATEGORIES_PER_ITEM = 50;
export const MAX_TARGET_IDS = 1_000;
export const MAX_EMAIL_DOMAINS = 100;
/** Codes accepted in one request; far above MAX_CODES_PER_CART, so extra codes get TOO_MANY_CODES, not a 400. */
export const MAX_CODES_PER_REQUEST = 20;
export const MIN_PRIORITY = -1_000;
export const MAX_PRIORITY = 1_000;

const MONEY_MESSAGE = `Amounts are integers in minor units (e.g. cents) from 0 to ${MAX_MONEY_MINOR}.`;

/** Integer minor units, 0..MAX_MONEY_MINOR (see money.ts: keeps every sum the quote makes exact). */
export const Money = z
  .int({ error: MONEY_MESSAGE })
  .min(0, { error: MONEY_MESSAGE })
  .max(MAX_MONEY_MINOR, { error: MONEY_MESSAGE });
export type Money = z.infer<typeof Money>;

const CURRENCY_MESSAGE = "Currency must be an ISO 4217 code of 3 upper-case letters, e.g. USD.";
export const CurrencyCode = z
  .string({
    error: (issue) => (issue.input === undefined ? `A currency is required. ${CURRENCY_MESSAGE}` : CURRENCY_MESSAGE),
  })
  .regex(/^[A-Z]{3}$/, { error: CURRENCY_MESSAGE });

export const Channel = z.enum(CHANNELS, { error: `Channel must be one of: ${CHANNELS.join(", ")}.` });
export type Channel = z.infer<typeof Channel>;

export const CouponKind = z.enum(COUPON_KINDS, { error: `Kind must be one of: ${COUPON_KINDS.join(", ")}.` });
export type CouponKind = z.infer<typeof CouponKind>;

export const CouponStatus = z.enum(COUPON_STATUSES, { error: `Status must be one of: ${COUPON_STATUSES.join(", ")}.` });
export type CouponStatus = z.infer<typeof CouponStatus>;

export const CouponLifecycleStatus = z.enum(COUPON_LIFECYCLE_STATUSES, {
  error: `Status must be one of: ${COUPON_LIFECYCLE_STATUSES.join(", ")}.`,
});
export type CouponLifecycleStatus = z.infer<typeof CouponLifecycleStatus>;

export const StackingMode = z.enum(STACKING_MODES, { error: `Stacking must be one of: ${STACKING_MODES.join(", ")}.` });
export type StackingMode = z.infer<typeof StackingMode>;

export const CodeState = z.enum(CODE_STATES, { error: `Code state must be one of: ${CODE_STATES.join(", ")}.` });
export type CodeState = z.infer<typeof CodeState>;

export const ReasonSchema = z.enum(REASONS);

// Control characters (NUL above all: Postgres text and jsonb refuse it) have no place in an id or a name.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
export const NO_CONTROL_CHARACTERS_MESSAGE = "Must not contain control characters.";

const Id = z
  .string({ error: "Ids are strings." })
  .min(1, { error: "Ids must not be empty." })
  .max(MAX_ID_LENGTH, { error: `Ids have at most ${MAX_ID_LENGTH} characters.` })
  .refine((value) => !CONTROL_CHARACTERS.test(value), { error: `Ids: ${NO_CONTROL_CHARACTERS_MESSAGE}` });

/** Free text stored as is (names, notes): any printable text; tabs and new lines allowed, NUL never. */
export const StoredText = (max: number, label: string) =>
  z
    .string({ error: `${label} is text.` })
    .max(max, { error: `${label} has at most ${max} characters.` })
    .refine((value) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value), {
      error: `${label}: ${NO_CONTROL_CHARACTERS_MESSAGE}`,
    });

// Timestamps Postgres and every client handle alike.
const EARLIEST_DATE = Date.UTC(2000, 0, 1);
const LATEST_DATE = Date.UTC(9999, 11, 31, 23, 59, 59);

/** A date, or an ISO 8601 date-time with a time zone (REST sends strings, tRPC/superjson sends Dates). */
export const DateTime = z
  .union([z.date(), z.iso.datetime({ offset: true }).transform((value) => new Date(value))], {
    error: "Expected a date: an ISO 8601 date-time with a time zone, e.g. 2025-01-31T23:59:59Z.",
  })
  .refine((date) => !Number.isNaN(date.getTime()) && date.getTime() >= EARLIEST_DATE && date.getTime() <= LATEST_DATE, {
    error: "Dates must lie between the years 2000 and 9999.",
  });

export const CartItem = z.object({
  productId: Id,
  categoryIds: z
    .array(Id)
    .max(MAX_CATEGORIES_PER_ITEM, { error: `An item has at most ${MAX_CATEGORIES_PER_ITEM} categories.` })
    .default([]),
  unitPrice: Money,
  quantity: z
    .int({ error: "Quantity must be an integer." })
    .min(1, { error: "Quantity must be at least 1." })
    .max(MAX_ITEM_QUANTITY, { error: `Quantity must be at most ${MAX_ITEM_QUANTITY}.` }),
});
export type CartItem = z.infer<typeof CartItem>;

export const Cart = z
  .object({
    currency: CurrencyCode,
    items: z
      .array(CartItem)
      .min(1, { error: "A cart has at least one item." })
      .max(MAX_CART_ITEMS, { error: `A cart has at most ${MAX_CART_ITEMS} items.` }),
    shipping: Money.default(0),
    channel: Channel.optional(),
  })
  .superRefine((cart, ctx) => {
    // BigInt: 500 lines x 10,000 x a large price can exceed 2^53; the check itself must be exact.
    let total = 0n;
    cart.items.forEach((item, index) => {
      if (!Number.isSafeInteger(item.unitPrice) || !Number.isSafeInteger(item.quantity)) return;
      const lineAmount = BigInt(item.unitPrice) * BigInt(item.quantity);
      if (lineAmount > BigInt(MAX_MONEY_MINOR)) {
        ctx.addIssue({
          code: "custom",
          path: ["items", index],
          message: `Unit price x quantity must be at most ${MAX_MONEY_MINOR} minor units.`,
        });
      }
      total += lineAmount;
    });
    if (Number.isSafeInteger(cart.shipping)) total += BigInt(cart.shipping);
    if (total > BigInt(MAX_MONEY_MINOR)) {
      ctx.addIssue({
        code: "custom",
        path: ["items"],
        message: `The cart total (items plus shipping) must be at most ${MAX_MONEY_MINOR} minor units.`,
      });
    }
  });
export type Cart = z.infer<typeof Cart>;

export const Customer = z.object({
  id: Id,
  email: z
    .email({ error: "Email must be a valid email address." })
    .max(254, { error: "Email has at most 254 characters." })
    .optional(),
  previousOrders: z
    .int({ error: "previousOrders must be an integer." })
    .min(0, { error: "previousOrders must not be negative." })
    .optional(),
});
export type Customer = z.infer<typeof Customer>;

/** Codes as a shopper entered them; their format is judged per code (INVALID_FORMAT), not as a 400. */
export const EnteredCodes = z
  .array(
    z.string().max(MAX_RAW_CODE_INPUT_LENGTH, { error: `A code has at most ${MAX_RAW_CODE_INPUT_LENGTH} characters.` }),
  )
  .max(MAX_CODES_PER_REQUEST, { error: `At most ${MAX_CODES_PER_REQUEST} codes per request.` });

const EmailDomain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
    error: "Email domains look like example.com (no @, no spaces).",
  });

const BasisPoints = z
  .int({ error: "A percentage is stored as integer basis points (12.5 % = 1250)." })
  .min(1, { error: "A percentage must be more than 0 %." })
  .max(BASIS_POINTS_PER_WHOLE, { error: "A percentage must be at most 100 % (10000 basis points)." });

/** Postgres integer columns hold up to 2^31 - 1. */
export const MAX_COUNT = 2_147_483_647;
const PositiveCount = z
  .int({ error: "Limits are integers." })
  .min(1, { error: "Limits must be at least 1 (leave empty for no limit)." })
  .max(MAX_COUNT, { error: `Limits must be at most ${MAX_COUNT}.` });

// Optional rule fields are nullish: database rows hold null, API callers omit them.
const couponRulesShape = {
  currency: CurrencyCode.nullish(),
  maxDiscount: Money.nullish(),
  minOrderAmount: Money.nullish(),
  validFrom: DateTime.nullish(),
  validUntil: DateTime.nullish(),
  status: CouponStatus,
  maxRedemptions: PositiveCount.nullish(),
  maxRedemptionsPerUser: PositiveCount.nullish(),
  budget: Money.min(1, { error: "A budget must be at least 1 (leave empty for no budget)." }).nullish(),
  productIds: z
    .array(Id)
    .max(MAX_TARGET_IDS, { error: `At most ${MAX_TARGET_IDS} product ids.` })
    .default([]),
  categoryIds: z
    .array(Id)
    .max(MAX_TARGET_IDS, { error: `At most ${MAX_TARGET_IDS} category ids.` })
    .default([]),
  allowedEmailDomains: z
    .array(EmailDomain)
    .max(MAX_EMAIL_DOMAINS, { error: `At most ${MAX_EMAIL_DOMAINS} email domains.` })
    .default([]),
  firstOrderOnly: z.boolean().default(false),
  channels: z.array(Channel).max(CHANNELS.length).default([]),
  stacking: StackingMode.default("STACKABLE"),
  priority: z
    .int({ error: "Priority must be an integer." })
    .min(MIN_PRIORITY, { error: `Priority must be at least ${MIN_PRIORITY}.` })
    .max(MAX_PRIORITY, { error: `Priority must be at most ${MAX_PRIORITY}.` })
    .default(0),
};

const PercentRules = z.object({
  ...couponRulesShape,
  kind: z.literal("PERCENT"),
  /** Basis points: 1..10000 (0.01 % .. 100 %). */
  value: BasisPoints,
});

const FixedRules = z.object({
  ...couponRulesShape,
  kind: z.literal("FIXED"),
  /** Minor units of `currency`. */
  value: Money.min(1, { error: "A fixed amount must be at least 1 minor unit." }),
  currency: CurrencyCode,
});

const FreeShippingRules = z.object({
  ...couponRulesShape,
  kind: z.literal("FREE_SHIPPING"),
  value: z.literal(0, { error: "FREE_SHIPPING coupons have no value (leave it empty)." }).nullish(),
});

/**
 * Every field of the rules of any kind, side by side (kind-dependent ones as the union of their kinds'),
 * for a flat description of a coupon body (the REST mirror's, admin-inputs.ts). CouponRules checks them.
 */
export const couponRulesFields = {
  ...couponRulesShape,
  kind: CouponKind,
  value: z.union([PercentRules.shape.value, FixedRules.shape.value, FreeShippingRules.shape.value]).meta({
    description:
      "PERCENT: basis points, 1..10000 (12.5 % = 1250). FIXED: minor units of `currency`, at least 1. " +
      "FREE_SHIPPING: none (omit it).",
  }),
  currency: CurrencyCode.nullish().meta({
    description: "ISO 4217; required for FIXED, and when maxDiscount, minOrderAmount or budget is set.",
  }),
  maxDiscount: couponRulesShape.maxDiscount.meta({ description: "PERCENT only: the most one order gets off." }),
};

/**
 * The rules of a coupon, as the engine reads them. Money amounts (FIXED value,
 * maxDiscount, minOrderAmount, budget) are in `currency`, which is therefore
 * required as soon as one of them is set; a cart in another currency gets
 * CURRENCY_MISMATCH (a "$50 max" must not silently become "50 EUR max").
 */
export const CouponRules = z
  .discriminatedUnion("kind", [PercentRules, FixedRules, FreeShippingRules], {
    error: `Kind must be one of: ${COUPON_KINDS.join(", ")}.`,
  })
  .superRefine((rules, ctx) => {
    if (rules.kind !== "PERCENT" && rules.maxDiscount != null) {
      ctx.addIssue({ code: "custom", path: ["maxDiscount"], message: "maxDiscount only applies to PERCENT coupons." });
    }
    const hasMoney =
      rules.kind === "FIXED" || rules.maxDiscount != null || rules.minOrderAmount != null || rules.budget != null;
    if (hasMoney && rules.currency == null) {
      ctx.addIssue({
        code: "custom",
        path: ["currency"],
        message: "A currency is required when the coupon has an amount, maxDiscount, minOrderAmount or budget.",
      });
    }
    if (
      rules.validFrom != null &&
      rules.validUntil != null &&
      rules.validFrom.getTime() >= rules.validUntil.getTime()
    ) {
      ctx.addIssue({ code: "custom", path: ["validUntil"], message: "validUntil must be after validFrom." });
    }
  });
export type CouponRules = z.infer<typeof CouponRules>;

/** What the engine needs to know about one code (the counters come separately, in the usage snapshot). */
export const CodeInfo = z.object({
  state: CodeState,
  assignedUserId: Id.nullish(),
  /** 1 = single use; N = multi-use (gift-card style); empty = only the coupon's limits apply. */
  maxRedemptions: PositiveCount.nullish(),
});
export type CodeInfo = z.infer<typeof CodeInfo>;

export const QuoteLine = z.object({ productId: z.string(), amount: Money });
export type QuoteLine = z.infer<typeof QuoteLine>;

export const AppliedDiscount = z.object({
  code: z.string(),
  couponId: z.string(),
  kind: CouponKind,
  /** Discount on the items, or on shipping for FREE_SHIPPING. */
  amount: Money,
  /** Per product id, ordered by product id; products that received nothing are left out. Empty for FREE_SHIPPING. */
  lines: z.array(QuoteLine),
});
export type AppliedDiscount = z.infer<typeof AppliedDiscount>;

export const RejectedCode = z.object({ code: z.string(), reason: ReasonSchema, message: z.string() });
export type RejectedCode = z.infer<typeof RejectedCode>;

export const Quote = z.object({
  currency: CurrencyCode,
  subtotal: Money,
  discountTotal: Money,
  /** The cart's shipping (not in API.md's minimal shape; added so total can be checked from the quote alone). */
  shipping: Money,
  shippingDiscount: Money,
  /** subtotal - discountTotal + shipping - shippingDiscount; never negative. */
  total: Money,
  /** In order of application (which explains each amount). */
  applied: z.array(AppliedDiscount),
  /** In the order entered. */
  rejected: z.array(RejectedCode),
});
export type Quote = z.infer<typeof Quote>;
