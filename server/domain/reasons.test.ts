import { describe, expect, it } from "vitest";

import { REASONS, REASON_MESSAGES, describeReason, isReason } from "./reasons";

describe("reasons", () => {
  it("lists every validation reason of SPEC.md exactly once", () => {
    expect(REASONS).toHaveLength(21);
    expect(new Set(REASONS).size).toBe(REASONS.length);
    expect(REASONS).toContain("RATE_LIMITED");
    expect(REASONS).toContain("LOGIN_REQUIRED");
  });

  it("has a distinct, non-empty shopper message per reason", () => {
    expect(Object.keys(REASON_MESSAGES).sort()).toEqual([...REASONS].sort());
    const messages = REASONS.map(describeReason);
    messages.forEach((message) => expect(message.length).toBeGreaterThan(10));
    expect(new Set(messages).size).toBe(REASONS.length);
  });

  it("does not tell a shopper whether an unknown code exists", () => {
    expect(describeReason("NOT_FOUND")).toBe("This code is not valid. Please check the code and try again.");
    expect(describeReason("NOT_FOUND")).not.toMatch(/exist|found|unknown|no such|does not match/i);
  });

  it("recognises reasons and nothing else", () => {
    expect(isReason("EXPIRED")).toBe(true);
    expect(isReason("expired")).toBe(false);
    expect(isReason("toString")).toBe(false);
    expect(isReason(42)).toBe(false);
  });
});
