import { describe, expect, it } from "vitest";
import {
  allowedTransitions,
  COUPON_LIFECYCLE_STATUSES as COUPON_STATUSES,
  explainTransition,
  gateStatusOf,
} from "./coupon-status";

describe("coupon state machine", () => {
  it.each([
    ["DRAFT", "ACTIVE", true],
    ["DRAFT", "ARCHIVED", true],
    ["DRAFT", "DISABLED", false],
    ["ACTIVE", "DISABLED", true],
    ["ACTIVE", "ARCHIVED", true],
    ["ACTIVE", "DRAFT", false],
    ["ACTIVE", "ACTIVE", false],
    ["DISABLED", "ACTIVE", true],
    ["DISABLED", "ARCHIVED", true],
    ["DISABLED", "DRAFT", false],
    ["ARCHIVED", "ACTIVE", false],
    ["ARCHIVED", "DISABLED", false],
    ["ARCHIVED", "DRAFT", false],
  ] as const)("%s -> %s allowed: %s", (from, to, ok) => {
    expect(explainTransition(from, to) === null).toBe(ok);
    expect(allowedTransitions(from).includes(to)).toBe(ok);
  });

  it("archived is final", () => {
    expect(allowedTransitions("ARCHIVED")).toEqual([]);
    for (const to of COUPON_STATUSES) expect(explainTransition("ARCHIVED", to)).toMatch(/archived/i);
  });

  it("every refusal says why in words", () => {
    for (const from of COUPON_STATUSES)
      for (const to of COUPON_STATUSES) {
        const why = explainTransition(from, to);
        if (why !== null) expect(why).toMatch(/^[A-Z].+\.$/);
      }
    expect(explainTransition("ACTIVE", "ACTIVE")).toBe("The coupon is already active.");
  });

  it("a draft is held by the gate as disabled", () => {
    expect(gateStatusOf("DRAFT")).toBe("DISABLED");
    expect(gateStatusOf("ACTIVE")).toBe("ACTIVE");
  });
});
