import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "./safe-callback-path";

describe("safeCallbackPath", () => {
  it.each([
    ["/", "/"],
    ["/admin", "/admin"],
    ["/admin/coupons?status=ACTIVE#top", "/admin/coupons?status=ACTIVE#top"],
    ["/a/../admin", "/admin"],
  ])("keeps the same-site path %s", (input, expected) => {
    expect(safeCallbackPath(input)).toBe(expected);
  });

  it.each([
    "https://evil.example/",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/%5Cevil.example",
    "/%2F%2Fevil.example",
    "/%2fevil.example/x".replace("/%2f", "//"),
    "/\tevil.example",
    "/\u0000x",
    "javascript:alert(1)",
    "evil.example",
    "",
    "/%E0%A4%A", // not decodable
    `/${"x".repeat(3000)}`,
  ])("refuses %j", (input) => {
    expect(safeCallbackPath(input)).toBe("/");
  });

  it("refuses what is not a string", () => {
    expect(safeCallbackPath(null)).toBe("/");
    expect(safeCallbackPath(["/admin"])).toBe("/");
  });
});
