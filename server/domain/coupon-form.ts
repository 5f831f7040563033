// The coupon form's values (text, as typed) and their conversion to the admin API's input.
// The form validates text formats here and then the server's own schema (createCouponInput).

import { z } from "zod";
import { createCouponInput } from "./admin-inputs";
import { CHANNELS, COUPON_KINDS, STACKING_MODES, type Channel } from "./schemas";
import type { StoredCouponRules } from "./stored-coupon";

const MONEY_TEXT = /^\d{1,13}(\.\d{1,2})?$/;
const PERCENT_TEXT = /^\d{1,3}(\.\d{1,2})?$/;
const COUNT_TEXT = /^\d{1,10}$/;

/** "12.5" -> 1250 (two decimals at most, no floating point). */
export function percentTextToBasisPoints(text: string): number {
  const [whole = "0", fraction = ""] = text.split(".");
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
}

/** 1250 -> "12.5" */
export function basisPointsToPercentText(bp: number): string {
  const whole = Math.floor(bp / 100);
  const fraction = String(bp % 100)
    .padStart(2, "0")
    .replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : String(whole);
}

/** "9.99" -> 999 minor units (currencies with two decimals). */
export function moneyTextToMinor(text: string): number {
  const [whole = "0", fraction = ""] = text.split(".");
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
}

/** 999 -> "9.99"; 1000 -> "10" */
export function minorToMoneyText(minor: number): string {
  const whole = Math.floor(minor / 100);
  const cents = minor % 100;
  return cents === 0 ? String(whole) : `${whole}.${String(cents).padStart(2, "0")}`;
}

/** A Date as the value of <input type="datetime-local"> in the browser's time zone. */
export function dateToLocalInput(date: Date | null | undefined): string {
  if (!date) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

const optionalText = (pattern: RegExp, message: string) =>
  z
    .string()
    .trim()
    .refine((v) => v === "" || pattern.test(v), { message });

/** The form's fields, named like the API's so the server schema's errors land on the right field. */
export const couponFormShape = z.object({
  name: z.string(),
  description: z.string(),
  internalNotes: z.string(),
  status: z.enum(["ACTIVE", "DRAFT"]),
  kind: z.enum(COUPON_KINDS),
  value: z.string().trim(),
  currency: z.string().trim(),
  maxDiscount: optionalText(MONEY_TEXT, "Enter an amount like 50 or 49.99."),
  minOrderAmount: optionalText(MONEY_TEXT, "Enter an amount like 30 or 29.99."),
  validFrom: z.string(),
  validUntil: z.string(),
  neverExpires: z.boolean(),
  maxRedemptions: optionalText(COUNT_TEXT, "Enter a whole number, or leave empty for no limit."),
  maxRedemptionsPerUser: optionalText(COUNT_TEXT, "Enter a whole number, or leave empty for no limit."),
  budget: optionalText(MONEY_TEXT, "Enter an amount like 1000 or 999.99."),
  productIds: z.string(),
  categoryIds: z.string(),
  allowedEmailDomains: z.string(),
  firstOrderOnly: z.boolean(),
  channels: z.array(z.enum(CHANNELS)),
  stacking: z.enum(STACKING_MODES),
  priority: optionalText(/^-?\d{1,4}$/, "Enter a whole number from -1000 to 1000."),
  voidRestoresUses: z.boolean(),
});
export type CouponFormValues = z.infer<typeof couponFormShape>;

const list = (text: string) =>
  text
    .split(/[,\s]+/)
    .map((v) => v.trim())
    .filter(Boolean);

/** The API input the form's values mean (formats already checked; the server schema judges the rules). */
export function couponFormToInput(values: CouponFormValues): Record<string, unknown> {
  const money = (text: string) => (text === "" ? null : moneyTextToMinor(text));
  const count = (text: string) => (text === "" ? null : Number(text));
  const date = (text: string) => (text === "" ? null : new Date(text));
  let value: unknown = null;
  if (values.kind === "PERCENT")
    value = PERCENT_TEXT.test(values.value) ? percentTextToBasisPoints(values.value) : values.value === "" ? 0 : NaN;
  if (values.kind === "FIXED")
    value = MONEY_TEXT.test(values.value) ? moneyTextToMinor(values.value) : values.value === "" ? 0 : NaN;
  return {
    name: values.name,
    description: values.description,
    internalNotes: values.internalNotes,
    status: values.status,
    kind: values.kind,
    value,
    currency: values.currency === "" ? undefined : values.currency.toUpperCase(),
    maxDiscount: values.kind === "PERCENT" ? money(values.maxDiscount) : null,
    minOrderAmount: money(values.minOrderAmount),
    validFrom: date(values.validFrom),
    // Empty: the server's default lifetime; "never expires": none.
    validUntil: values.neverExpires ? null : values.validUntil === "" ? undefined : date(values.validUntil),
    maxRedemptions: count(values.maxRedemptions),
    maxRedemptionsPerUser: count(values.maxRedemptionsPerUser),
    budget: money(values.budget),
    productIds: list(values.productIds),
    categoryIds: list(values.categoryIds),
    allowedEmailDomains: list(values.allowedEmailDomains),
    firstOrderOnly: values.firstOrderOnly,
    channels: values.channels,
    stacking: values.stacking,
    priority: values.priority === "" ? 0 : Number(values.priority),
    voidRestoresUses: values.voidRestoresUses,
  };
}

/** Form text formats first, then the server's own schema on what they mean. */
export const couponFormSchema = couponFormShape
  .transform((values): unknown => couponFormToInput(values))
  .pipe(createCouponInput);

export const EMPTY_COUPON_FORM: CouponFormValues = {
  name: "",
  description: "",
  internalNotes: "",
  status: "ACTIVE",
  kind: "PERCENT",
  value: "",
  currency: "USD",
  maxDiscount: "",
  minOrderAmount: "",
  validFrom: "",
  validUntil: "",
  neverExpires: false,
  maxRedemptions: "",
  maxRedemptionsPerUser: "",
  budget: "",
  productIds: "",
  categoryIds: "",
  allowedEmailDomains: "",
  firstOrderOnly: false,
  channels: [],
  stacking: "STACKABLE",
  priority: "0",
  voidRestoresUses: true,
};

/** A stored coupon as the form's values (for editing). */
export function couponToFormValues(
  c: StoredCouponRules & { name: string; description: string; internalNotes: string },
): CouponFormValues {
  const money = (v: number | null) => (v === null ? "" : minorToMoneyText(v));
  return {
    name: c.name,
    description: c.description,
    internalNotes: c.internalNotes,
    status: "ACTIVE",
    kind: c.kind,
    value:
      c.kind === "PERCENT" && c.value !== null
        ? basisPointsToPercentText(c.value)
        : c.kind === "FIXED" && c.value !== null
          ? minorToMoneyText(c.value)
          : "",
    currency: c.currency ?? "",
    maxDiscount: money(c.maxDiscount),
    minOrderAmount: money(c.minOrderAmount),
    validFrom: dateToLocalInput(c.validFrom),
    validUntil: dateToLocalInput(c.validUntil),
    neverExpires: c.validUntil === null,
    maxRedemptions: c.maxRedemptions === null ? "" : String(c.maxRedemptions),
    maxRedemptionsPerUser: c.maxRedemptionsPerUser === null ? "" : String(c.maxRedemptionsPerUser),
    budget: money(c.budget),
    productIds: c.productIds.join(", "),
    categoryIds: c.categoryIds.join(", "),
    allowedEmailDomains: c.allowedEmailDomains.join(", "),
    firstOrderOnly: c.firstOrderOnly,
    channels: c.channels.filter((ch): ch is Channel => (CHANNELS as readonly string[]).includes(ch)),
    stacking: c.stacking,
    priority: String(c.priority),
    voidRestoresUses: c.voidRestoresUses,
  };
}
