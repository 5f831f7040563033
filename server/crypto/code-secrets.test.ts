import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decryptCode, encryptCode, hashCodeForLookup } from "./code-secrets";

const KEY_A = randomBytes(32);
const KEY_B = randomBytes(32);

describe("code secrets at rest", () => {
  it("round-trips any code through AES-256-GCM with a fresh IV each time", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z0-9-]{4,32}$/), (code) => {
        const first = encryptCode(code, KEY_A);
        const second = encryptCode(code, KEY_A);
        expect(first.equals(second)).toBe(false);
        expect(first.includes(Buffer.from(code))).toBe(false);
        expect(decryptCode(first, KEY_A)).toBe(code);
      }),
    );
  });

  it("never reuses an IV, across refills of the IV pool", () => {
    const blobs = Array.from({ length: 2_000 }, (_, i) => encryptCode(`CODE-${i}`, KEY_A));
    expect(new Set(blobs.map((b) => b.subarray(0, 12).toString("hex"))).size).toBe(blobs.length);
    blobs.forEach((blob, i) => expect(decryptCode(blob, KEY_A)).toBe(`CODE-${i}`));
  });

  it("refuses a tampered blob or a wrong key", () => {
    const blob = encryptCode("SUMMER-2026", KEY_A);
    const tampered = Buffer.from(blob);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => decryptCode(tampered, KEY_A)).toThrow();
    expect(() => decryptCode(blob, KEY_B)).toThrow();
  });

  it("hashes deterministically per key, differently across keys", () => {
    expect(hashCodeForLookup("SUMMER20", KEY_A).equals(hashCodeForLookup("SUMMER20", KEY_A))).toBe(true);
    expect(hashCodeForLookup("SUMMER20", KEY_A).equals(hashCodeForLookup("SUMMER20", KEY_B))).toBe(false);
    expect(hashCodeForLookup("SUMMER20", KEY_A).equals(hashCodeForLookup("SUMMER21", KEY_A))).toBe(false);
    expect(hashCodeForLookup("SUMMER20", KEY_A)).toHaveLength(32);
  });
});
