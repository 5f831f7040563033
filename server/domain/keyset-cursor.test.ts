import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, isTimestampText } from "./keyset-cursor";

describe("keyset cursors", () => {
  it("round-trip any sort value (names included)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.uuid(), (value, id) => {
        expect(decodeCursor(encodeCursor({ value, id }))).toEqual({ value, id });
      }),
    );
  });

  it.each(["", "x", "!!!", btoa("[1,2]"), btoa('["a","not-a-uuid"]'), btoa("{}")])("refuse %j", (text) => {
    expect(decodeCursor(text)).toBeNull();
  });

  it("tell timestamps from other text", () => {
    expect(isTimestampText("2026-11-30 11:30:00.123456+00")).toBe(true);
    expect(isTimestampText("2026-11-30T11:30:00Z")).toBe(true);
    expect(isTimestampText("yesterday'; drop table")).toBe(false);
  });
});
