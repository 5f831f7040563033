import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hashRequest } from "./run-idempotent";

// The canonical JSON the hashes were first computed with: keys stored before a change of
// implementation must still match the same payload afterwards.
function firstCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(firstCanonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${firstCanonicalJson(v)}`).join(",")}}`;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Any text: printable ASCII, any code point, control characters and lone surrogate halves (escaped by JSON). */
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.string({
    unit: fc
      .oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0xd800, max: 0xdfff }))
      .map((c) => String.fromCharCode(c)),
  }),
);

/** JSON-like payloads as validated input looks: objects, arrays, strings, numbers, booleans, null, absent keys. */
const payload = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -1e9, max: 1e9 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    text,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(text, fc.option(tie("value"), { nil: undefined }), { maxKeys: 5 }),
  ),
})).value;

/** The same object with its keys in reverse order, all the way down. */
function reversed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversed);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reversed(v)]),
  );
}

describe("hashRequest", () => {
  it("gives the hash the first implementation gave, for any JSON-like payload", () => {
    fc.assert(
      fc.property(payload, (p) => {
        expect(hashRequest(p)).toBe(sha256(firstCanonicalJson(p)));
      }),
      { numRuns: 500 },
    );
  });

  it("does not depend on key order", () => {
    fc.assert(
      fc.property(payload, (p) => {
        expect(hashRequest(reversed(p))).toBe(hashRequest(p));
      }),
      { numRuns: 500 },
    );
  });

  it("tells different payloads apart, and reads Dates as their ISO time", () => {
    const cart = {
      codes: ["SUMMER20"],
      cart: { currency: "USD", items: [{ productId: "a", unitPrice: 1000, quantity: 1 }] },
    };
    expect(hashRequest(cart)).not.toBe(hashRequest({ ...cart, codes: ["SUMMER21"] }));
    expect(hashRequest({ a: 1, b: undefined })).toBe(hashRequest({ a: 1 }));
    expect(hashRequest({ at: new Date("2026-11-22T00:00:00.000Z") })).toBe(
      hashRequest({ at: "2026-11-22T00:00:00.000Z" }),
    );
    expect(hashRequest(undefined)).toBe(hashRequest(null));
  });

  it("refuses a cyclic payload instead of hashing something else", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => hashRequest(cyclic)).toThrow(TypeError);
  });
});
