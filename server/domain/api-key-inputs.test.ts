import { describe, expect, it } from "vitest";
import { createApiKeyInput, hasScope, rotateApiKeyInput } from "./api-key-inputs";

describe("hasScope", () => {
  it.each([
    [["checkout"], "checkout", true],
    [["checkout"], "admin:read", false],
    [["admin:read"], "admin:write", false],
    [["admin:write"], "admin:read", true],
    [["admin:write"], "checkout", false],
    [["checkout", "admin:read"], "admin:read", true],
  ] as const)("%j has %s: %s", (scopes, needed, expected) => {
    expect(hasScope(scopes, needed)).toBe(expected);
  });
});

describe("createApiKeyInput", () => {
  it("trims the name and drops repeated scopes", () => {
    expect(createApiKeyInput.parse({ name: "  POS  ", scopes: ["checkout", "checkout"], channel: "pos" })).toEqual({
      name: "POS",
      scopes: ["checkout"],
      channel: "pos",
    });
  });

  it.each([
    [{ name: "   ", scopes: ["checkout"], channel: "web" }, "name"],
    [{ name: "x", scopes: [], channel: "web" }, "scopes"],
    [{ name: "x", scopes: ["root"], channel: "web" }, "scopes"],
    [{ name: "x", scopes: ["checkout"], channel: "tv" }, "channel"],
    [{ name: "a\u0000b", scopes: ["checkout"], channel: "web" }, "name"],
  ])("refuses %j (%s)", (input, field) => {
    const result = createApiKeyInput.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path[0])).toContain(field);
  });
});

describe("rotateApiKeyInput", () => {
  it("takes 0 to 720 whole hours of grace", () => {
    const id = "00000000-0000-4000-8000-000000000001";
    expect(rotateApiKeyInput.safeParse({ id, graceHours: 0 }).success).toBe(true);
    expect(rotateApiKeyInput.safeParse({ id, graceHours: 720 }).success).toBe(true);
    expect(rotateApiKeyInput.safeParse({ id, graceHours: 721 }).success).toBe(false);
    expect(rotateApiKeyInput.safeParse({ id, graceHours: 1.5 }).success).toBe(false);
    expect(rotateApiKeyInput.safeParse({ id, graceHours: -1 }).success).toBe(false);
  });
});
