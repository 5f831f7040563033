import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { parseCode } from "./code-format";
import {
  DEFAULT_CODE_ALPHABET,
  MAX_CODES_PER_JOB,
  type RandomBytes,
  checkEntropy,
  generateCodes,
  planCodeGeneration,
  streamCodes,
} from "./code-generator";

/** mulberry32: a small seeded PRNG, so failures reproduce (never use outside tests). */
function seededRandomBytes(seed: number): RandomBytes {
  let state = seed >>> 0;
  return (n) => {
    const bytes = new Uint8Array(n);
    for (let index = 0; index < n; index += 1) {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      bytes[index] = (t ^ (t >>> 14)) & 0xff;
    }
    return bytes;
  };
}

/** Bytes 0, 1, 2, ..., 255, 0, 1, ...: every byte value equally often, which exposes modulo bias exactly. */
function cyclingRandomBytes(): RandomBytes {
  let next = 0;
  return (n) => {
    const bytes = new Uint8Array(n);
    for (let index = 0; index < n; index += 1) {
      bytes[index] = next;
      next = (next + 1) % 256;
    }
    return bytes;
  };
}

function takeCodes(iterator: Iterator<string>, count: number): string[] {
  return Array.from({ length: count }, () => iterator.next().value as string);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
}

/** The regular expression every code of a template must match. */
function templatePattern(template: string, alphabet: string): RegExp {
  const body = [...template]
    .map((character) => (character === "#" ? `[${escapeRegExp(alphabet)}]` : escapeRegExp(character)))
    .join("");
  return new RegExp(`^${body}$`);
}

describe("default alphabet", () => {
  it("has no look-alikes (0 O 1 I L) and 31 distinct characters", () => {
    expect(DEFAULT_CODE_ALPHABET).toBe("23456789ABCDEFGHJKMNPQRSTUVWXYZ");
    expect(new Set(DEFAULT_CODE_ALPHABET).size).toBe(31);
    for (const lookAlike of "0O1IL") expect(DEFAULT_CODE_ALPHABET).not.toContain(lookAlike);
  });
});

describe("generateCodes", () => {
  it("draws characters in order from the random source", () => {
    const result = generateCodes({ count: 2, length: 6 }, cyclingRandomBytes());
    expect(result).toMatchObject({ ok: true, codes: ["234567", "89ABCD"] });
  });

  it("uses rejection sampling: every character exactly equally often from a uniform byte stream", () => {
    for (const alphabet of [DEFAULT_CODE_ALPHABET, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", "ABC"]) {
      const plan = planCodeGeneration({ count: 1, length: 8, alphabet });
      if (!plan.ok) throw new Error(plan.message);
      const accepted = 256 - (256 % alphabet.length); // bytes per 256 that are used
      const codes = takeCodes(streamCodes(plan, cyclingRandomBytes()), accepted); // 8 x accepted characters
      const counts = new Map<string, number>();
      for (const character of codes.join("")) counts.set(character, (counts.get(character) ?? 0) + 1);
      const expected = (8 * accepted) / alphabet.length;
      expect([...counts.keys()].sort()).toEqual([...alphabet].sort());
      for (const count of counts.values()) expect(count).toBe(expected);
    }
  });

  it("is deterministic for a seeded source and differs between seeds", () => {
    const first = generateCodes({ count: 50, length: 10 }, seededRandomBytes(42));
    const again = generateCodes({ count: 50, length: 10 }, seededRandomBytes(42));
    const other = generateCodes({ count: 50, length: 10 }, seededRandomBytes(43));
    expect(first.ok && again.ok && other.ok).toBe(true);
    if (!first.ok || !again.ok || !other.ok) return;
    expect(again.codes).toEqual(first.codes);
    expect(other.codes).not.toEqual(first.codes);
  });

  it("fills a pattern with a prefix and suffix", () => {
    const result = generateCodes({ count: 200, pattern: "sale-####-####", suffix: "-x" }, seededRandomBytes(7));
    if (!result.ok) throw new Error(result.message);
    expect(result.plan.template).toBe("SALE-####-####-X");
    expect(result.plan.space).toBe(31n ** 8n);
    const shape = templatePattern("SALE-####-####-X", DEFAULT_CODE_ALPHABET);
    for (const code of result.codes) {
      expect(code).toMatch(shape);
      expect(parseCode(code)).toMatchObject({ ok: true, code });
    }
    expect(new Set(result.codes).size).toBe(200);
  });

  it("regenerates a code drawn twice within a batch", () => {
    // 16-character alphabet: every byte is usable. The first two codes are both "AAAAAA".
    const alphabet = "ABCDEFGHJKMNPQRS";
    let calls = 0;
    const repeatingStart: RandomBytes = (n) => {
      calls += 1;
      const bytes = new Uint8Array(n);
      if (calls === 1) bytes.set([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6]);
      else bytes.fill(15);
      return bytes;
    };
    expect(generateCodes({ count: 2, length: 6, alphabet }, repeatingStart)).toMatchObject({
      ok: true,
      codes: ["AAAAAA", "BCDEFG"],
    });
  });

  it("throws instead of looping forever on a broken random source", () => {
    expect(() => generateCodes({ count: 3, length: 6 }, (n) => new Uint8Array(n))).toThrow(/repeating/);
    expect(() => generateCodes({ count: 3, length: 6 }, (n) => new Uint8Array(n).fill(255))).toThrow(/unusable/);
    expect(() => generateCodes({ count: 3, length: 6 }, () => new Uint8Array(3))).toThrow(/returned 3 bytes/);
  });

  it.each([
    { options: { count: 0 }, error: "INVALID_COUNT" },
    { options: { count: 1.5 }, error: "INVALID_COUNT" },
    { options: { count: MAX_CODES_PER_JOB + 1, length: 16 }, error: "INVALID_COUNT" },
    { options: { count: 1, length: 5 }, error: "INVALID_LENGTH" },
    { options: { count: 1, length: 17 }, error: "INVALID_LENGTH" },
    { options: { count: 1, alphabet: "AAB" }, error: "INVALID_ALPHABET" },
    { options: { count: 1, alphabet: "abc" }, error: "INVALID_ALPHABET" },
    { options: { count: 1, alphabet: "A" }, error: "INVALID_ALPHABET" },
    { options: { count: 1, alphabet: "AB-C" }, error: "INVALID_ALPHABET" },
    { options: { count: 1, pattern: "SALE_######" }, error: "INVALID_PATTERN" },
    { options: { count: 1, pattern: "SALE-#####" }, error: "INVALID_PATTERN" },
    { options: { count: 1, pattern: "#".repeat(17) }, error: "INVALID_PATTERN" },
    { options: { count: 1, pattern: "########", length: 10 }, error: "INVALID_PATTERN" },
    { options: { count: 1, prefix: "SALE_" }, error: "INVALID_AFFIX" },
    { options: { count: 1, suffix: "ü" }, error: "INVALID_AFFIX" },
    { options: { count: 1, length: 16, prefix: "SUMMERSALE2025-XYZ" }, error: "CODE_TOO_LONG" },
    { options: { count: 1, length: 6, alphabet: "AB" }, error: "INSUFFICIENT_ENTROPY" },
    { options: { count: MAX_CODES_PER_JOB, length: 6 }, error: "INSUFFICIENT_ENTROPY" }, // 31^6 < 10^9
  ])("refuses $options with $error (a result, not a throw)", ({ options, error }) => {
    const result = generateCodes(options, seededRandomBytes(1));
    expect(result).toMatchObject({ ok: false, error });
    expect(result.ok ? "" : result.message.length).toBeGreaterThan(10);
  });

  it("generates well-formed, unique codes for any valid options", () => {
    const literal = fc.string({ unit: fc.constantFrom(..."ABZ09-"), maxLength: 4 });
    const optionsArb = fc.oneof(
      fc.record({
        count: fc.integer({ min: 1, max: 300 }),
        length: fc.integer({ min: 6, max: 16 }),
        prefix: literal,
        suffix: literal,
      }),
      fc.record({
        count: fc.integer({ min: 1, max: 300 }),
        pattern: fc
          .array(fc.constantFrom("#", "#", "#", "-", "X", "7"), { minLength: 6, maxLength: 24 })
          .map((parts) => parts.join(""))
          .filter((pattern) => {
            const randoms = [...pattern].filter((character) => character === "#").length;
            return randoms >= 6 && randoms <= 16;
          }),
        alphabet: fc.constantFrom(DEFAULT_CODE_ALPHABET, "ABCDEFGHJK", "23456789"),
      }),
    );
    fc.assert(
      fc.property(optionsArb, fc.integer(), (options, seed) => {
        const result = generateCodes(options, seededRandomBytes(seed));
        if (!result.ok) {
          // Only entropy or length can refuse these options.
          expect(["INSUFFICIENT_ENTROPY", "CODE_TOO_LONG"]).toContain(result.error);
          return;
        }
        expect(result.codes).toHaveLength(options.count);
        expect(new Set(result.codes).size).toBe(options.count);
        const shape = templatePattern(result.plan.template, result.plan.alphabet);
        for (const code of result.codes) {
          expect(code).toMatch(shape);
          expect(parseCode(code).ok).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("draws no duplicate over 200,000 raw codes of a seeded source (no de-duplication involved)", () => {
    const plan = planCodeGeneration({ count: 200_000, length: 10 });
    if (!plan.ok) throw new Error(plan.message);
    const codes = takeCodes(streamCodes(plan, seededRandomBytes(2025)), 200_000);
    expect(new Set(codes).size).toBe(200_000);
    expect(codes.every((code) => /^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{10}$/.test(code))).toBe(true);
  });
});

describe("checkEntropy", () => {
  it.each([
    { input: { count: 1_000, length: 6, alphabet: "0123456789" }, ok: true }, // 10^6 = 1000 x 1000
    { input: { count: 1_001, length: 6, alphabet: "0123456789" }, ok: false },
    { input: { count: 887_503, length: 6 }, ok: true }, // 31^6 = 887,503,681
    { input: { count: 887_504, length: 6 }, ok: false },
    { input: { count: MAX_CODES_PER_JOB, length: 7 }, ok: true },
    { input: { count: MAX_CODES_PER_JOB, pattern: "SALE-###-###" }, ok: false }, // 31^6 < 10^9
    { input: { count: MAX_CODES_PER_JOB, pattern: "SALE-####-###" }, ok: true }, // 31^7 > 10^9
  ])("$input -> ok: $ok", ({ input, ok }) => {
    expect(checkEntropy(input).ok).toBe(ok);
  });

  it("explains a refusal with the numbers", () => {
    expect(checkEntropy({ count: 1_001, length: 6, alphabet: "0123456789" })).toEqual({
      ok: false,
      error: "INSUFFICIENT_ENTROPY",
      message:
        "1,000,000 possible codes is less than 1,000x the 1,001 requested, so codes would be guessable. Use more random characters or a larger alphabet.",
    });
  });

  it("reports the size of the space", () => {
    expect(checkEntropy({ count: 1, length: 16 })).toEqual({ ok: true, space: 31n ** 16n });
  });
});
