import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { MAX_RAW_CODE_INPUT_LENGTH, codeLookupKey, isValidCodeFormat, normaliseCode, parseCode } from "./code-format";

describe("parseCode: accepted inputs", () => {
  it.each([
    { input: "summer-20", code: "SUMMER-20", key: "SUMMER20" },
    { input: " SUMMER20 ", code: "SUMMER20", key: "SUMMER20" },
    { input: "Summer 20", code: "SUMMER20", key: "SUMMER20" },
    { input: "\tsummer20\r\n", code: "SUMMER20", key: "SUMMER20" },
    { input: "SUMMER\u00a020", code: "SUMMER20", key: "SUMMER20" }, // pasted no-break space
    { input: "sale-ab12-cd34", code: "SALE-AB12-CD34", key: "SALEAB12CD34" },
    { input: "SALE AB12 CD34", code: "SALEAB12CD34", key: "SALEAB12CD34" },
    { input: "A-B-C-D", code: "A-B-C-D", key: "ABCD" },
    { input: "abcd", code: "ABCD", key: "ABCD" },
    { input: "X".repeat(32), code: "X".repeat(32), key: "X".repeat(32) },
    { input: ` ${"Y".repeat(32)} `, code: "Y".repeat(32), key: "Y".repeat(32) },
  ])("'$input' -> $code (key $key)", ({ input, code, key }) => {
    expect(parseCode(input)).toEqual({ ok: true, code, key });
    expect(codeLookupKey(input)).toBe(key);
    expect(isValidCodeFormat(input)).toBe(true);
  });

  it("gives every spelling of one code the same look-up key", () => {
    const keys = ["summer-20", " SUMMER20 ", "Summer 20", "SUMMER--20", "s u m m e r 2 0"].map(codeLookupKey);
    expect(new Set(keys)).toEqual(new Set(["SUMMER20"]));
  });
});

describe("parseCode: rejected inputs (a result, never a throw)", () => {
  it.each([
    { input: "", error: "EMPTY" },
    { input: "   \n ", error: "EMPTY" },
    { input: "ABC", error: "TOO_SHORT" },
    { input: "AB-C", error: "TOO_SHORT" },
    { input: "----", error: "TOO_SHORT" },
    { input: "X".repeat(33), error: "TOO_LONG" },
    { input: "AB-".repeat(11), error: "TOO_LONG" },
    { input: "A".repeat(MAX_RAW_CODE_INPUT_LENGTH + 1), error: "TOO_LONG" },
    { input: "SUMMER_20", error: "INVALID_CHARACTERS" },
    { input: "SUM\tMER20", error: "INVALID_CHARACTERS" }, // control character inside
    { input: "SUMMER\n20", error: "INVALID_CHARACTERS" },
    { input: "SUMMER\u000020", error: "INVALID_CHARACTERS" },
    { input: "SUMMER\u001b20", error: "INVALID_CHARACTERS" },
    { input: "CODE\u200b1234", error: "INVALID_CHARACTERS" }, // zero-width space
    { input: "straße20", error: "INVALID_CHARACTERS" }, // would upper-case to STRASSE20
    { input: "ıstanbul", error: "INVALID_CHARACTERS" }, // dotless i would upper-case to I
    { input: "ＳＵＭＭＥＲ", error: "INVALID_CHARACTERS" }, // full-width letters
    { input: "SALE–2024", error: "INVALID_CHARACTERS" }, // en dash
    { input: "😀CODE", error: "INVALID_CHARACTERS" },
    { input: "\ud800ABCD", error: "INVALID_CHARACTERS" }, // lone surrogate
  ])("'$input' -> $error", ({ input, error }) => {
    const parsed = parseCode(input);
    expect(parsed).toMatchObject({ ok: false, reason: "INVALID_FORMAT", error });
    expect(parsed.ok ? "" : parsed.message.length).toBeGreaterThan(5);
    expect(codeLookupKey(input)).toBeNull();
    expect(isValidCodeFormat(input)).toBe(false);
  });
});

describe("normaliseCode", () => {
  it.each([
    { input: " summer 20 ", expected: "SUMMER20" },
    { input: "sale-ab12", expected: "SALE-AB12" },
    { input: "straße", expected: "STRAßE" }, // no Unicode case folding
    { input: "a\tb", expected: "A\tB" }, // inner control characters are kept, so validation rejects them
  ])("'$input' -> '$expected'", ({ input, expected }) => {
    expect(normaliseCode(input)).toBe(expected);
  });

  const messyString = fc.oneof(
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.string({
      unit: fc.constantFrom("a", "Z", "9", "-", " ", "\u00a0", "\t", "\n", "ß", "\u0000", "\u3000"),
      maxLength: 40,
    }),
  );

  it("is idempotent", () => {
    fc.assert(
      fc.property(messyString, (input) => {
        const once = normaliseCode(input);
        expect(normaliseCode(once)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });

  it("never throws, and accepted codes are [A-Z0-9-] with a [A-Z0-9]{4,32} key that parses back to itself", () => {
    fc.assert(
      fc.property(messyString, (input) => {
        const parsed = parseCode(input);
        if (!parsed.ok) return;
        expect(parsed.code).toMatch(/^[A-Z0-9-]{4,32}$/);
        expect(parsed.key).toMatch(/^[A-Z0-9]{4,32}$/);
        expect(parseCode(parsed.code)).toEqual(parsed);
      }),
      { numRuns: 500 },
    );
  });

  it("maps case, spaces and dashes variants of a code to one key", () => {
    const codeArb = fc.string({
      unit: fc.constantFrom(..."ABCDEFGHJKMNPQRSTUVWXYZ23456789"),
      minLength: 4,
      maxLength: 16,
    });
    const decorationArb = fc.array(fc.constantFrom("", " ", "-", "\u00a0"), { minLength: 16, maxLength: 16 });
    fc.assert(
      fc.property(codeArb, decorationArb, fc.boolean(), (code, decorations, lower) => {
        const decorated = [...code].map((character, index) => `${character}${decorations[index] ?? ""}`).join("");
        const variant = ` ${lower ? decorated.toLowerCase() : decorated}  `;
        const expectedKey = code;
        // Trailing dashes may push a 32-char code past the display limit; every accepted variant has the same key.
        const key = codeLookupKey(variant);
        if (key !== null) expect(key).toBe(expectedKey);
        else expect(normaliseCode(variant).length).toBeGreaterThan(32);
      }),
    );
  });
});
