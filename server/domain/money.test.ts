import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { MAX_MONEY_MINOR, allocateProportionally, isMoney, multiplyMinor, percentOf, sumMinor } from "./money";

describe("percentOf", () => {
  it.each([
    { amount: 1000, bp: 1250, expected: 125 },
    { amount: 3998, bp: 1250, expected: 500 }, // 499.75
    { amount: 1, bp: 5000, expected: 1 }, // 0.5 rounds half up
    { amount: 1, bp: 4999, expected: 0 }, // 0.4999
    { amount: 3, bp: 5000, expected: 2 }, // 1.5
    { amount: 5, bp: 3333, expected: 2 }, // 1.6665
    { amount: 10001, bp: 5, expected: 5 }, // 5.0005
    { amount: 0, bp: 10000, expected: 0 },
    { amount: 12345, bp: 0, expected: 0 },
    { amount: 12345, bp: 10000, expected: 12345 },
    { amount: MAX_MONEY_MINOR, bp: 3333, expected: 333_300_000_000_000 },
    { amount: MAX_MONEY_MINOR, bp: 1, expected: 100_000_000_000 },
    { amount: 999_999_999_999_999, bp: 5000, expected: 500_000_000_000_000 }, // x.5 that a float product loses
    // Cases where Math.round(amount * bp / 10000) is off by one cent:
    { amount: 451_061_426_326_148, bp: 9168, expected: 413_533_115_655_812 },
    { amount: 753_505_409_585_014, bp: 1778, expected: 133_973_261_824_215 },
    { amount: Number.MAX_SAFE_INTEGER, bp: 9999, expected: 9_006_298_534_815_517 },
  ])("$bp bp of $amount = $expected", ({ amount, bp, expected }) => {
    expect(percentOf(amount, bp)).toBe(expected);
  });

  it.each([
    { amount: -1, bp: 100 },
    { amount: 1.5, bp: 100 },
    { amount: 100, bp: 10001 },
    { amount: 100, bp: -1 },
    { amount: 100, bp: 12.5 },
    { amount: Number.MAX_SAFE_INTEGER + 1, bp: 1 },
  ])("rejects amount $amount with $bp bp", ({ amount, bp }) => {
    expect(() => percentOf(amount, bp)).toThrow(RangeError);
  });

  it("matches an exact rational oracle and never exceeds the amount", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_MONEY_MINOR }), fc.integer({ min: 0, max: 10_000 }), (amount, bp) => {
        const result = percentOf(amount, bp);
        // result is the integer nearest to amount*bp/10000, ties up: 2*(amount*bp) - 20000*result in [-10000, 10000).
        const twiceError = 2n * BigInt(amount) * BigInt(bp) - 20_000n * BigInt(result);
        expect(twiceError >= -10_000n && twiceError < 10_000n).toBe(true);
        expect(result).toBeLessThanOrEqual(amount);
      }),
    );
  });
});

describe("multiplyMinor and sumMinor", () => {
  it("multiplies exactly up to the maximum", () => {
    expect(multiplyMinor(200_000_000, 10_000)).toBe(2_000_000_000_000);
    expect(multiplyMinor(MAX_MONEY_MINOR, 1)).toBe(MAX_MONEY_MINOR);
    expect(multiplyMinor(0, 10_000)).toBe(0);
  });

  it("refuses products beyond MAX_MONEY_MINOR instead of rounding them", () => {
    expect(() => multiplyMinor(MAX_MONEY_MINOR, 2)).toThrow(RangeError);
    expect(() => multiplyMinor(-1, 2)).toThrow(RangeError);
  });

  it("sums exactly and refuses to pass the maximum", () => {
    expect(sumMinor([])).toBe(0);
    expect(sumMinor([1, 2, 3])).toBe(6);
    expect(sumMinor(Array.from({ length: 500 }, () => 2_000_000_000_000))).toBe(MAX_MONEY_MINOR);
    expect(() => sumMinor([MAX_MONEY_MINOR, 1])).toThrow(RangeError);
    expect(() => sumMinor([1, 0.5])).toThrow(RangeError);
  });

  it("isMoney accepts integers in 0..MAX_MONEY_MINOR only", () => {
    expect([0, 1, MAX_MONEY_MINOR].map(isMoney)).toEqual([true, true, true]);
    expect([-1, 0.5, MAX_MONEY_MINOR + 1, Number.NaN, "1", null].map(isMoney)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe("allocateProportionally", () => {
  it.each([
    { total: 10, weights: [1, 1, 1], expected: [4, 3, 3] },
    { total: 100, weights: [1, 2, 3], expected: [17, 33, 50] },
    { total: 100, weights: [1000, 3000], expected: [25, 75] },
    { total: 1, weights: [5, 5], expected: [1, 0] }, // full tie: lower index
    { total: 1, weights: [3, 5], expected: [0, 1] }, // larger remainder
    { total: 5, weights: [1, 3, 6], expected: [0, 2, 3] }, // equal remainders: larger weight wins
    { total: 1, weights: [0, 1, 1], expected: [0, 1, 0] },
    { total: 5, weights: [0, 10], expected: [0, 5] },
    { total: 3, weights: [100, 100, 100, 100, 100], expected: [1, 1, 1, 0, 0] },
    { total: 7, weights: [7], expected: [7] },
    { total: 0, weights: [0, 0], expected: [0, 0] },
    { total: 0, weights: [], expected: [] },
    { total: 10, weights: [2, 3], expected: [4, 6] }, // total above the weights: still proportional
  ])("splits $total over $weights as $expected", ({ total, weights, expected }) => {
    expect(allocateProportionally(total, weights)).toEqual(expected);
  });

  it("stays exact with amounts whose products exceed 2^53", () => {
    const weights = [333_333_333_333_333, 333_333_333_333_333, 333_333_333_333_334];
    expect(allocateProportionally(MAX_MONEY_MINOR - 1, weights)).toEqual([
      333_333_333_333_333, 333_333_333_333_333, 333_333_333_333_333,
    ]);
    expect(allocateProportionally(MAX_MONEY_MINOR, [1, MAX_MONEY_MINOR - 1])).toEqual([1, MAX_MONEY_MINOR - 1]);
  });

  it("refuses a positive total over zero weights and invalid numbers", () => {
    expect(() => allocateProportionally(5, [0, 0])).toThrow(RangeError);
    expect(() => allocateProportionally(5, [])).toThrow(RangeError);
    expect(() => allocateProportionally(5, [1, -1])).toThrow(RangeError);
    expect(() => allocateProportionally(1.5, [1])).toThrow(RangeError);
  });

  it("sums exactly to the total, never exceeds a weight, gives nothing to zero weights", () => {
    const weightsArb = fc.array(
      fc.oneof(
        fc.constant(0),
        fc.integer({ min: 0, max: 1_000 }),
        fc.integer({ min: 0, max: MAX_MONEY_MINOR / 1_000 }),
      ),
      {
        minLength: 1,
        maxLength: 60,
      },
    );
    fc.assert(
      fc.property(
        weightsArb.filter((weights) => weights.some((weight) => weight > 0)),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (weights, fraction) => {
          const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
          const total = Math.floor(weightSum * fraction);
          const shares = allocateProportionally(total, weights);
          expect(shares.reduce((sum, share) => sum + share, 0)).toBe(total);
          shares.forEach((share, index) => {
            const weight = weights[index] ?? 0;
            expect(share).toBeGreaterThanOrEqual(0);
            expect(share).toBeLessThanOrEqual(weight);
            // Each share is the floor or the ceiling of its exact quota total*w/W.
            const scaled = BigInt(share) * BigInt(weightSum) - BigInt(total) * BigInt(weight);
            expect(scaled > -BigInt(weightSum) && scaled < BigInt(weightSum)).toBe(true);
          });
        },
      ),
    );
  });
});
