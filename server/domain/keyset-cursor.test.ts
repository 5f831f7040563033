import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, isTimestampText, keysetPage } from "./keyset-cursor";

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

describe("keyset pages", () => {
  it("give at most `limit` items, and a cursor after the last exactly when there is more", () => {
    fc.assert(
      fc.property(fc.array(fc.uuid(), { maxLength: 12 }), fc.integer({ min: 1, max: 10 }), (ids, limit) => {
        const rows = ids.map((id, i) => ({ id, at: String(i) }));
        const page = keysetPage(
          rows,
          limit,
          (row) => row.at,
          (row) => row.id,
        );
        expect(page.items).toEqual(ids.slice(0, limit));
        if (ids.length > limit)
          expect(decodeCursor(page.nextCursor ?? "")).toEqual({ value: String(limit - 1), id: ids[limit - 1] });
        else expect(page.nextCursor).toBeNull();
      }),
    );
  });
});
