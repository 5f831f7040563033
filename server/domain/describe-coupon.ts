// A coupon's rules in words, for the console (the coupon page and the form's summary).

import { basisPointsToPercentText } from "./coupon-form";
import type { StoredCouponRules } from "./stored-coupon";

type Rules = StoredCouponRules;

/** Money for people; display only. */
export function formatAmount(minor: number, currency: string | null): string {
  if (!currency) return (minor / 100).toFixed(2);
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(minor / 100);
  } catch {
    return `${(minor / 100).toFixed(2)} ${currency}`;
  }
}

const DATE_FORMAT = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
export function formatDate(date: Date): string {
  return `${DATE_FORMAT.format(date)} UTC`;
}

/** "20 % off", "$10.00 off", "Free shipping". */
export function describeValue(rules: Pick<Rules, "kind" | "value" | "currency">): string {
  if (rules.kind === "PERCENT") return `${basisPointsToPercentText(rules.value ?? 0)} % off`;
  if (rules.kind === "FIXED") return `${formatAmount(rules.value ?? 0, rules.currency)} off`;
  return "Free shipping";
}

export function describeCouponRules(rules: Rules): string[] {
  const lines: string[] = [];
  const money = (minor: number) => formatAmount(minor, rules.currency);
  const target =
    rules.productIds.length === 0 && rules.categoryIds.length === 0
      ? "the whole cart"
      : [
          rules.productIds.length > 0 ? `products ${rules.productIds.join(", ")}` : null,
          rules.categoryIds.length > 0 ? `categories ${rules.categoryIds.join(", ")}` : null,
        ]
          .filter(Boolean)
          .join(" and ");
  if (rules.kind === "FREE_SHIPPING") lines.push("Free shipping: the cart's shipping is not charged.");
  else
    lines.push(
      `${describeValue(rules)} ${target}${rules.kind === "PERCENT" && rules.maxDiscount !== null ? `, at most ${money(rules.maxDiscount)}` : ""}.`,
    );
  if (rules.minOrderAmount !== null)
    lines.push(`Needs an eligible subtotal of ${money(rules.minOrderAmount)} or more.`);
  if (rules.validFrom && rules.validUntil)
    lines.push(`Valid from ${formatDate(rules.validFrom)} until ${formatDate(rules.validUntil)}.`);
  else if (rules.validFrom) lines.push(`Valid from ${formatDate(rules.validFrom)}, with no end.`);
  else if (rules.validUntil) lines.push(`Valid until ${formatDate(rules.validUntil)}.`);
  else lines.push("Valid with no end date.");
  lines.push(
    rules.maxRedemptions === null
      ? "No limit on total uses."
      : `At most ${rules.maxRedemptions.toLocaleString("en-US")} ${rules.maxRedemptions === 1 ? "use" : "uses"} in total.`,
  );
  if (rules.maxRedemptionsPerUser !== null)
    lines.push(
      rules.maxRedemptionsPerUser === 1
        ? "Once per customer."
        : `At most ${rules.maxRedemptionsPerUser} uses per customer.`,
    );
  if (rules.budget !== null) lines.push(`Stops when ${money(rules.budget)} of discount has been given.`);
  if (rules.allowedEmailDomains.length > 0)
    lines.push(`Only for email addresses at ${rules.allowedEmailDomains.join(", ")}.`);
  if (rules.firstOrderOnly) lines.push("Only on a customer's first order.");
  lines.push(rules.channels.length === 0 ? "On every channel." : `Only on ${rules.channels.join(", ")}.`);
  lines.push(
    rules.stacking === "EXCLUSIVE"
      ? `Exclusive: applies only alone (priority ${rules.priority}).`
      : `Stacks with other codes (priority ${rules.priority}).`,
  );
  lines.push(
    rules.voidRestoresUses ? "A voided redemption gives its use back." : "A voided redemption keeps its use consumed.",
  );
  return lines;
}
