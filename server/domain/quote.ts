// The discount engine: cart + entered codes (already looked up) + usage counters -> Quote.
// Pure and read-only: it decides what a lock would reserve, it reserves nothing.
//
// Decisions (SPEC.md "Money and discount math" leaves these open):
// - Eligibility is decided on the cart before any discount (MIN_ORDER_NOT_MET compares the
//   eligible subtotal before discounts with minOrderAmount; NO_ELIGIBLE_ITEMS means no
//   positive-priced line matches the targeting). A valid code whose discount comes out as 0
//   (earlier codes used the lines up, shipping is 0, a second FREE_SHIPPING) is still applied
//   with amount 0, as Stripe does: validity never depends on the other codes' amounts.
// - Targeting: a line is eligible when its product is in productIds OR one of its categories
//   is in categoryIds; both empty = the whole cart.
// - Validity window: validFrom <= now < validUntil (validUntil is the first instant it no longer works).
// - Budget: a discount is capped to what is left of the budget; a coupon with nothing left is
//   EXHAUSTED. So redemptions never exceed the budget, and the last shopper still gets a discount.
// - Stacking is judged in the order entered (SPEC: "any code after it"), over accepted codes
//   only: a rejected code takes no stacking slot and does not count as "another code".
//   Application order is then: item-targeted before whole-cart, PERCENT before FIXED (before
//   FREE_SHIPPING, which only touches shipping), higher priority first, then order entered.
// - Lines: cart lines with the same product id and the same categories are merged (their
//   amounts add up) and processed in a canonical order (sorted), so the quote does not depend
//   on the order of cart lines. The quote reports one entry per product id, sorted by product
//   id, leaving out products that received nothing.

import { allocateProportionally, multiplyMinor, percentOf, sumMinor } from "./money";
import { REASON_MESSAGES, type Reason } from "./reasons";
import type {
  AppliedDiscount,
  Cart,
  CodeInfo,
  CouponKind,
  CouponRules,
  Customer,
  Quote,
  QuoteLine,
  RejectedCode,
} from "./schemas";

export const DEFAULT_MAX_CODES_PER_CART = 5;

export type Coupon = CouponRules & { id: string };

/** A code that was found: the code's display form, its id, its coupon's rules and its own state. */
export type ResolvedCandidate = { code: string; codeId: string; coupon: Coupon; codeInfo: CodeInfo };
/** A code rejected before the engine: bad format, or no such code (a wrong guess looks the same). */
export type UnresolvedCandidate = { code: string; reason: "INVALID_FORMAT" | "NOT_FOUND" };
export type Candidate = ResolvedCandidate | UnresolvedCandidate;

/** A coupon's uses and discount money, counting successful redemptions plus live locks. */
export type CouponUsage = { uses: number; discountSpent: number };
export type CodeUsage = { redeemed: number; locked: number };

/**
 * Counters read elsewhere (Redis or Postgres). A missing entry means zero, so the caller
 * must supply an entry for every candidate's coupon and code. The service should leave
 * out this checkout's own lock when re-quoting it, or its own codes would read LOCKED.
 */
export type UsageSnapshot = {
  coupons?: Readonly<Record<string, CouponUsage>>;
  codes?: Readonly<Record<string, CodeUsage>>;
  /** This customer's uses per coupon id. */
  customerCoupons?: Readonly<Record<string, number>>;
};

export type QuoteOptions = { maxCodesPerCart: number };

type WorkingLine = {
  productId: string;
  categoryIds: ReadonlySet<string>;
  amount: number;
  remaining: number;
};

type Accepted = { candidate: ResolvedCandidate; index: number; eligible: number[] };

const KIND_RANK: Readonly<Record<CouponKind, number>> = { PERCENT: 0, FIXED: 1, FREE_SHIPPING: 2 };

export function isResolvedCandidate(candidate: Candidate): candidate is ResolvedCandidate {
  return !("reason" in candidate);
}

// Own properties only: a product or coupon id like "constructor" must not read Object.prototype.
function readOwn<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Merges identical (product, categories) lines and sorts them, so line order never matters. */
function buildWorkingLines(cart: Cart): WorkingLine[] {
  const byKey = new Map<string, { productId: string; categoryIds: string[]; amounts: number[] }>();
  for (const item of cart.items) {
    const categoryIds = [...new Set(item.categoryIds)].sort(compareStrings);
    const key = JSON.stringify([item.productId, categoryIds]);
    const group = byKey.get(key) ?? { productId: item.productId, categoryIds, amounts: [] };
    group.amounts.push(multiplyMinor(item.unitPrice, item.quantity));
    byKey.set(key, group);
  }
  return [...byKey.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([, group]) => {
      const amount = sumMinor(group.amounts);
      return { productId: group.productId, categoryIds: new Set(group.categoryIds), amount, remaining: amount };
    });
}

export function isItemTargeted(coupon: Pick<CouponRules, "productIds" | "categoryIds">): boolean {
  return coupon.productIds.length > 0 || coupon.categoryIds.length > 0;
}

/** Indices of the positive-priced lines the coupon targets (all of them for a whole-cart coupon). */
function findEligibleLines(coupon: Coupon, lines: readonly WorkingLine[]): number[] {
  const targeted = isItemTargeted(coupon);
  const productIds = new Set(coupon.productIds);
  const eligible: number[] = [];
  lines.forEach((line, index) => {
    if (line.amount === 0) return;
    const matches =
      !targeted || productIds.has(line.productId) || coupon.categoryIds.some((id) => line.categoryIds.has(id));
    if (matches) eligible.push(index);
  });
  return eligible;
}

function emailDomainOf(email: string): string {
  return email.slice(email.lastIndexOf("@") + 1).toLowerCase();
}

function needsKnownCustomer(coupon: Coupon, codeInfo: CodeInfo): boolean {
  return (
    coupon.maxRedemptionsPerUser != null ||
    codeInfo.assignedUserId != null ||
    coupon.allowedEmailDomains.length > 0 ||
    coupon.firstOrderOnly
  );
}

function checkCodeUsage(codeInfo: CodeInfo, usage: CodeUsage): Reason | null {
  const max = codeInfo.maxRedemptions;
  const multiUse = max != null && max > 1;
  if (codeInfo.state === "REDEEMED") return multiUse ? "EXHAUSTED" : "ALREADY_REDEEMED";
  if (codeInfo.state === "LOCKED") return "LOCKED";
  if (max == null) return null;
  if (usage.redeemed >= max) return multiUse ? "EXHAUSTED" : "ALREADY_REDEEMED";
  // Uses held by live locks come back if those checkouts fail: LOCKED, not EXHAUSTED.
  if (usage.redeemed + usage.locked >= max) return "LOCKED";
  return null;
}

type CheckContext = {
  cart: Cart;
  lines: readonly WorkingLine[];
  customer: Customer | null | undefined;
  usage: UsageSnapshot;
  now: Date;
};

/**
 * Everything a code can fail on its own, in this order: is it live (status, window),
 * does it apply here (currency, channel), is it this shopper's (login, assignment, email,
 * first order), is a use left (code, coupon, budget, per user), does the cart fit (items,
 * minimum). Returns the eligible lines when the code passes.
 */
function checkCandidate(
  candidate: ResolvedCandidate,
  context: CheckContext,
): { reason: Reason } | { eligible: number[] } {
  const { coupon, codeInfo, codeId } = candidate;
  const { cart, customer, usage, now } = context;

  if (coupon.status !== "ACTIVE" || codeInfo.state === "DISABLED") return { reason: "DISABLED" };
  if (coupon.validFrom != null && now.getTime() < coupon.validFrom.getTime()) return { reason: "NOT_STARTED" };
  if (coupon.validUntil != null && now.getTime() >= coupon.validUntil.getTime()) return { reason: "EXPIRED" };

  if (coupon.currency != null && coupon.currency !== cart.currency) return { reason: "CURRENCY_MISMATCH" };
  if (coupon.channels.length > 0 && (cart.channel === undefined || !coupon.channels.includes(cart.channel))) {
    return { reason: "CHANNEL_NOT_ALLOWED" };
  }

  if (needsKnownCustomer(coupon, codeInfo) && customer == null) return { reason: "LOGIN_REQUIRED" };
  if (codeInfo.assignedUserId != null && codeInfo.assignedUserId !== customer?.id)
    return { reason: "NOT_ASSIGNED_TO_USER" };
  if (coupon.allowedEmailDomains.length > 0) {
    const domain = customer?.email === undefined ? null : emailDomainOf(customer.email);
    const allowed =
      domain !== null && coupon.allowedEmailDomains.some((allowedDomain) => allowedDomain.toLowerCase() === domain);
    if (!allowed) return { reason: "EMAIL_DOMAIN_NOT_ALLOWED" };
  }
  // An unknown order history fails closed: a first-order coupon needs previousOrders === 0.
  if (coupon.firstOrderOnly && customer?.previousOrders !== 0) return { reason: "FIRST_ORDER_ONLY" };

  const codeReason = checkCodeUsage(codeInfo, readOwn(usage.codes, codeId) ?? { redeemed: 0, locked: 0 });
  if (codeReason !== null) return { reason: codeReason };
  const couponUsage = readOwn(usage.coupons, coupon.id) ?? { uses: 0, discountSpent: 0 };
  if (coupon.maxRedemptions != null && couponUsage.uses >= coupon.maxRedemptions) return { reason: "EXHAUSTED" };
  if (coupon.budget != null && couponUsage.discountSpent >= coupon.budget) return { reason: "EXHAUSTED" };
  const customerUses = readOwn(usage.customerCoupons, coupon.id) ?? 0;
  if (coupon.maxRedemptionsPerUser != null && customerUses >= coupon.maxRedemptionsPerUser) {
    return { reason: "USER_LIMIT_REACHED" };
  }

  const eligible = findEligibleLines(coupon, context.lines);
  // Whole-cart free shipping needs no item; every other coupon needs something to discount or to qualify on.
  const needsItems = coupon.kind !== "FREE_SHIPPING" || isItemTargeted(coupon);
  if (needsItems && eligible.length === 0) return { reason: "NO_ELIGIBLE_ITEMS" };
  if (coupon.minOrderAmount != null) {
    const eligibleSubtotal = sumMinor(eligible.map((index) => context.lines[index]?.amount ?? 0));
    if (eligibleSubtotal < coupon.minOrderAmount) return { reason: "MIN_ORDER_NOT_MET" };
  }
  return { eligible };
}

/** Stacking, judged in the order entered over the codes accepted so far. */
function checkStacking(
  candidate: ResolvedCandidate,
  accepted: readonly Accepted[],
  maxCodesPerCart: number,
): Reason | null {
  if (accepted.some((other) => other.candidate.coupon.id === candidate.coupon.id)) return "DUPLICATE_COUPON";
  if (accepted.some((other) => other.candidate.coupon.stacking === "EXCLUSIVE")) return "NOT_STACKABLE";
  if (candidate.coupon.stacking === "EXCLUSIVE" && accepted.length > 0) return "NOT_STACKABLE";
  if (accepted.length >= maxCodesPerCart) return "TOO_MANY_CODES";
  return null;
}

function compareApplicationOrder(a: Accepted, b: Accepted): number {
  const targetedA = isItemTargeted(a.candidate.coupon) ? 0 : 1;
  const targetedB = isItemTargeted(b.candidate.coupon) ? 0 : 1;
  if (targetedA !== targetedB) return targetedA - targetedB;
  const kindA = KIND_RANK[a.candidate.coupon.kind];
  const kindB = KIND_RANK[b.candidate.coupon.kind];
  if (kindA !== kindB) return kindA - kindB;
  if (a.candidate.coupon.priority !== b.candidate.coupon.priority)
    return b.candidate.coupon.priority - a.candidate.coupon.priority;
  return a.index - b.index;
}

/** A coupon's discount on `base` (what is left of its eligible lines), before the budget cap. */
function computeItemDiscount(coupon: Coupon, base: number): number {
  if (coupon.kind === "PERCENT") {
    const discount = percentOf(base, coupon.value);
    return coupon.maxDiscount != null ? Math.min(discount, coupon.maxDiscount) : discount;
  }
  if (coupon.kind === "FIXED") return Math.min(coupon.value, base);
  return 0;
}

function summariseLines(
  lines: readonly WorkingLine[],
  eligible: readonly number[],
  shares: readonly number[],
): QuoteLine[] {
  const byProduct = new Map<string, number>();
  eligible.forEach((lineIndex, position) => {
    const share = shares[position] ?? 0;
    const line = lines[lineIndex];
    if (share === 0 || line === undefined) return;
    byProduct.set(line.productId, (byProduct.get(line.productId) ?? 0) + share);
  });
  return [...byProduct.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([productId, amount]) => ({ productId, amount }));
}

/**
 * Quotes a cart: which codes apply, for how much, split per line, and why the others
 * do not. `cart` and `customer` must have passed the Cart / Customer schemas (amounts
 * within MAX_MONEY_MINOR); a violation throws RangeError rather than produce a wrong sum.
 */
export function quote(
  cart: Cart,
  candidates: readonly Candidate[],
  customer: Customer | null | undefined,
  usage: UsageSnapshot,
  now: Date,
  options: QuoteOptions,
): Quote {
  if (!Number.isSafeInteger(options.maxCodesPerCart) || options.maxCodesPerCart < 1) {
    throw new RangeError(`maxCodesPerCart must be a positive integer, got ${String(options.maxCodesPerCart)}`);
  }
  const lines = buildWorkingLines(cart);
  const subtotal = sumMinor(lines.map((line) => line.amount));
  const context: CheckContext = { cart, lines, customer, usage, now };

  const rejected: RejectedCode[] = [];
  const reject = (code: string, reason: Reason) => rejected.push({ code, reason, message: REASON_MESSAGES[reason] });

  const accepted: Accepted[] = [];
  candidates.forEach((candidate, index) => {
    if (!isResolvedCandidate(candidate)) {
      reject(candidate.code, candidate.reason);
      return;
    }
    const checked = checkCandidate(candidate, context);
    if ("reason" in checked) {
      reject(candidate.code, checked.reason);
      return;
    }
    const stackingReason = checkStacking(candidate, accepted, options.maxCodesPerCart);
    if (stackingReason !== null) {
      reject(candidate.code, stackingReason);
      return;
    }
    accepted.push({ candidate, index, eligible: checked.eligible });
  });

  // Order matters: each discount applies to what the ones before it left of the lines.
  const applied: AppliedDiscount[] = [];
  let shippingLeft = cart.shipping;
  for (const { candidate, eligible } of [...accepted].sort(compareApplicationOrder)) {
    const { coupon } = candidate;
    const spent = readOwn(usage.coupons, coupon.id)?.discountSpent ?? 0;
    const budgetLeft = coupon.budget != null ? Math.max(coupon.budget - spent, 0) : Number.POSITIVE_INFINITY;

    if (coupon.kind === "FREE_SHIPPING") {
      // Shipping is discounted at most once in total: a later free-shipping code finds nothing left.
      const amount = Math.min(shippingLeft, budgetLeft);
      shippingLeft -= amount;
      applied.push({ code: candidate.code, couponId: coupon.id, kind: coupon.kind, amount, lines: [] });
      continue;
    }

    const weights = eligible.map((index) => lines[index]?.remaining ?? 0);
    const base = sumMinor(weights);
    const amount = Math.min(computeItemDiscount(coupon, base), budgetLeft);
    // amount <= base = sum(weights), so no line's share exceeds what is left of it.
    const shares = allocateProportionally(amount, weights);
    eligible.forEach((lineIndex, position) => {
      const line = lines[lineIndex];
      if (line !== undefined) line.remaining -= shares[position] ?? 0;
    });
    applied.push({
      code: candidate.code,
      couponId: coupon.id,
      kind: coupon.kind,
      amount,
      lines: summariseLines(lines, eligible, shares),
    });
  }

  const discountTotal = sumMinor(
    applied.filter((entry) => entry.kind !== "FREE_SHIPPING").map((entry) => entry.amount),
  );
  const shippingDiscount = cart.shipping - shippingLeft;
  return {
    currency: cart.currency,
    subtotal,
    discountTotal,
    shipping: cart.shipping,
    shippingDiscount,
    total: subtotal - discountTotal + cart.shipping - shippingDiscount,
    applied,
    rejected,
  };
}
