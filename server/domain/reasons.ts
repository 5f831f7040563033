// Machine-readable validation reasons (SPEC.md "Validation reasons"), each with a shopper-facing message.

export const REASONS = [
  "INVALID_FORMAT",
  "NOT_FOUND",
  "DISABLED",
  "NOT_STARTED",
  "EXPIRED",
  "MIN_ORDER_NOT_MET",
  "NO_ELIGIBLE_ITEMS",
  "EXHAUSTED",
  "USER_LIMIT_REACHED",
  "NOT_ASSIGNED_TO_USER",
  "EMAIL_DOMAIN_NOT_ALLOWED",
  "FIRST_ORDER_ONLY",
  "CHANNEL_NOT_ALLOWED",
  "CURRENCY_MISMATCH",
  "NOT_STACKABLE",
  "DUPLICATE_COUPON",
  "TOO_MANY_CODES",
  "LOCKED",
  "ALREADY_REDEEMED",
  "LOGIN_REQUIRED",
  "RATE_LIMITED",
] as const;

export type Reason = (typeof REASONS)[number];

/**
 * Shown to shoppers. NOT_FOUND must read like any other wrong guess: it never
 * says whether a code exists, so codes cannot be enumerated through messages.
 */
export const REASON_MESSAGES: Readonly<Record<Reason, string>> = {
  INVALID_FORMAT: "Codes are 4 to 32 letters, digits or dashes. Please check the code and try again.",
  NOT_FOUND: "This code is not valid. Please check the code and try again.",
  DISABLED: "This code is no longer active.",
  NOT_STARTED: "This code is not active yet.",
  EXPIRED: "This code has expired.",
  MIN_ORDER_NOT_MET: "Your order does not reach the minimum amount for this code yet.",
  NO_ELIGIBLE_ITEMS: "This code does not apply to any item in your cart.",
  EXHAUSTED: "This code has reached its usage limit.",
  USER_LIMIT_REACHED: "You have already used this code the maximum number of times.",
  NOT_ASSIGNED_TO_USER: "This code belongs to another account.",
  EMAIL_DOMAIN_NOT_ALLOWED: "This code is not available for your email address.",
  FIRST_ORDER_ONLY: "This code is only valid on your first order.",
  CHANNEL_NOT_ALLOWED: "This code cannot be used here.",
  CURRENCY_MISMATCH: "This code cannot be used with your cart's currency.",
  NOT_STACKABLE: "This code cannot be combined with the other codes in your cart.",
  DUPLICATE_COUPON: "A code for this promotion is already applied.",
  TOO_MANY_CODES: "You have reached the maximum number of codes for one order.",
  LOCKED: "This code is being used in another checkout. Please try again in a few minutes.",
  ALREADY_REDEEMED: "This code has already been used.",
  LOGIN_REQUIRED: "Please sign in to use this code.",
  RATE_LIMITED: "Too many attempts. Please wait a moment and try again.",
};

const REASON_SET: ReadonlySet<string> = new Set(REASONS);

export function isReason(value: unknown): value is Reason {
  return typeof value === "string" && REASON_SET.has(value);
}

export function describeReason(reason: Reason): string {
  return REASON_MESSAGES[reason];
}
