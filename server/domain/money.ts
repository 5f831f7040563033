// Money is integer minor units (cents, yen, fils...) everywhere; no floating point on money paths.

/**
 * Largest amount of money (minor units) the platform accepts anywhere: a unit
 * price, a cart subtotal, shipping, a discount, a budget. 10^15 minor units is
 * 10 trillion in a two-decimal currency. It is 9x below Number.MAX_SAFE_INTEGER
 * (2^53 - 1), so a subtotal plus shipping (the largest sum the quote builds) is
 * still an exact JavaScript number. Products that can go beyond 2^53 (amount x
 * basis points, total x weight) are computed with BigInt.
 */
export const MAX_MONEY_MINOR = 1_000_000_000_000_000;

/** 100 % in basis points: percentages are stored as integer basis points (12.5 % = 1250). */
export const BASIS_POINTS_PER_WHOLE = 10_000;

const BIG_BASIS_POINTS = BigInt(BASIS_POINTS_PER_WHOLE);
const BIG_MAX_MONEY = BigInt(MAX_MONEY_MINOR);

/** True for an integer amount of minor units in 0..MAX_MONEY_MINOR. */
export function isMoney(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 && value <= MAX_MONEY_MINOR;
}

// Money helpers are called with validated input; a bad argument is a programming error, so they throw.
function assertNonNegativeInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative safe integer, got ${String(value)}`);
  }
}

function toMoneyNumber(name: string, value: bigint): number {
  if (value > BIG_MAX_MONEY) {
    throw new RangeError(`${name} exceeds MAX_MONEY_MINOR (${MAX_MONEY_MINOR}): ${value.toString()}`);
  }
  return Number(value);
}

/**
 * `basisPoints / 10000` of an amount, rounded half up to the minor unit.
 * Exact for any safe-integer amount (the product is taken in BigInt).
 */
export function percentOf(amountMinor: number, basisPoints: number): number {
  assertNonNegativeInteger("amountMinor", amountMinor);
  assertNonNegativeInteger("basisPoints", basisPoints);
  if (basisPoints > BASIS_POINTS_PER_WHOLE) {
    throw new RangeError(`basisPoints must be at most ${BASIS_POINTS_PER_WHOLE}, got ${basisPoints}`);
  }
  const product = BigInt(amountMinor) * BigInt(basisPoints);
  const quotient = product / BIG_BASIS_POINTS;
  const remainder = product % BIG_BASIS_POINTS;
  // Half up: a remainder of exactly half a minor unit rounds away from zero (amounts are never negative).
  const rounded = remainder * 2n >= BIG_BASIS_POINTS ? quotient + 1n : quotient;
  return Number(rounded);
}

/** `amountMinor x factor` (e.g. unit price x quantity), exact; throws beyond MAX_MONEY_MINOR. */
export function multiplyMinor(amountMinor: number, factor: number): number {
  assertNonNegativeInteger("amountMinor", amountMinor);
  assertNonNegativeInteger("factor", factor);
  return toMoneyNumber("product", BigInt(amountMinor) * BigInt(factor));
}

/** Exact sum of amounts; throws beyond MAX_MONEY_MINOR instead of silently losing cents. */
export function sumMinor(amounts: Iterable<number>): number {
  let sum = 0n;
  for (const amount of amounts) {
    assertNonNegativeInteger("amount", amount);
    sum += BigInt(amount);
  }
  return toMoneyNumber("sum", sum);
}

/**
 * Splits `total` over `weights` in proportion, with the largest-remainder
 * (Hamilton) method: every share is floor(total x weight / sum), and the cents
 * left over go one each to the largest remainders.
 *
 * - The shares always add up exactly to `total`.
 * - When total <= sum(weights), no share exceeds its weight (floor(total x w / W) <= w,
 *   and a share only gets +1 when its exact quotient is not whole, i.e. is below w).
 * - A zero weight never gets anything.
 * - Ties (equal remainders) go to the larger weight, then to the lower index. The
 *   index is the only order-dependent key, so callers that need a result independent
 *   of input order must pass the weights in a canonical order (the quote engine sorts
 *   its lines by product id first).
 */
export function allocateProportionally(total: number, weights: readonly number[]): number[] {
  assertNonNegativeInteger("total", total);
  weights.forEach((weight, index) => assertNonNegativeInteger(`weights[${index}]`, weight));

  const weightSum = weights.reduce((sum, weight) => sum + BigInt(weight), 0n);
  if (total === 0) return weights.map(() => 0);
  if (weightSum === 0n) {
    throw new RangeError(`cannot allocate ${total} over weights that sum to zero`);
  }

  const bigTotal = BigInt(total);
  const floors: bigint[] = [];
  const remainders: bigint[] = [];
  let allocated = 0n;
  for (const weight of weights) {
    const product = bigTotal * BigInt(weight);
    const share = product / weightSum;
    floors.push(share);
    remainders.push(product % weightSum);
    allocated += share;
  }

  // leftover < number of non-zero remainders, so only entries with a fractional share get a cent.
  const leftover = Number(bigTotal - allocated);
  const byLargestRemainder = weights
    .map((weight, index) => ({ index, weight, remainder: remainders[index] ?? 0n }))
    .sort((a, b) => {
      if (a.remainder !== b.remainder) return a.remainder > b.remainder ? -1 : 1;
      if (a.weight !== b.weight) return b.weight - a.weight;
      return a.index - b.index;
    });

  const shares = floors.map((share) => Number(share));
  for (let rank = 0; rank < leftover; rank += 1) {
    const entry = byLargestRemainder[rank];
    if (entry === undefined) break; // unreachable: leftover < weights.length
    shares[entry.index] = (shares[entry.index] ?? 0) + 1;
  }
  return shares;
}
