import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable, isUniqueViolation } from "./errors";

describe("error classification", () => {
  it("recognises an unreachable database however deep the cause", () => {
    expect(isDatabaseUnavailable({ code: "ECONNREFUSED" })).toBe(true);
    expect(isDatabaseUnavailable(new Error("wrapped", { cause: { code: "CONNECTION_CLOSED" } }))).toBe(true);
    expect(isDatabaseUnavailable({ errors: [{ code: "ECONNREFUSED" }] })).toBe(true);
    expect(isDatabaseUnavailable({ code: "23505" })).toBe(false);
    expect(isDatabaseUnavailable(new Error("boom"))).toBe(false);
  });

  it("finds a unique violation on the named constraint only", () => {
    const error = new Error("insert failed", { cause: { code: "23505", constraint_name: "codes_lookup_hash_key" } });
    expect(isUniqueViolation(error, "codes_lookup_hash_key")).toBe(true);
    expect(isUniqueViolation(error, "other_key")).toBe(false);
  });
});
