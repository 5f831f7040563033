import { describe, expect, it } from "vitest";
import { deriveCodeState } from "./code-state";

const base = { status: "ACTIVE" as const, maxRedemptions: 1, assignedUserId: null, redeemed: 0, locked: 0 };

describe("deriveCodeState", () => {
  it.each([
    [{}, "AVAILABLE"],
    [{ assignedUserId: "u1" }, "ASSIGNED"],
    [{ locked: 1 }, "LOCKED"],
    [{ redeemed: 1 }, "REDEEMED"],
    [{ status: "DISABLED" as const, redeemed: 1 }, "DISABLED"],
    [{ maxRedemptions: 3, redeemed: 2 }, "AVAILABLE"],
    [{ maxRedemptions: 3, redeemed: 2, locked: 1 }, "LOCKED"],
    [{ maxRedemptions: null, redeemed: 500 }, "AVAILABLE"],
  ])("%j -> %s", (change, state) => {
    expect(deriveCodeState({ ...base, ...change })).toBe(state);
  });
});
