import { describe, expect, it } from "vitest";
import { analyticsInput, assignBookInput, exportCodesInput, generateCodesInput } from "./code-job-inputs";

const couponId = "7f1d7c36-5b8e-4d43-9a55-0b7f0c1b2e11";

describe("generateCodesInput", () => {
  it.each([
    [{ count: 1_000_000 }, true, ""],
    [{ count: 1_000_000, length: 6 }, false, "guessable"],
    [{ count: 1_000_001 }, false, "At most 1,000,000"],
    [{ count: 10, pattern: "SALE-####-####" }, true, ""],
    [{ count: 10, pattern: "SALE-###" }, false, "from 6 to 16 '#'"],
    [{ count: 10, alphabet: "AAB" }, false, "distinct"],
    [{ count: 10, prefix: "bad prefix!" }, false, "prefix"],
    [{ count: 0 }, false, "at least 1"],
  ])("%j -> ok %s", (extra, ok, message) => {
    const parsed = generateCodesInput.safeParse({ couponId, ...extra });
    expect(parsed.success).toBe(ok);
    if (!ok) expect(parsed.error!.issues.map((i) => i.message).join(" ")).toContain(message);
  });

  it("defaults to single-use codes", () => {
    expect(generateCodesInput.parse({ couponId, count: 5 }).maxRedemptions).toBe(1);
  });
});

describe("other inputs", () => {
  it("export takes exactly one target", () => {
    expect(exportCodesInput.safeParse({ couponId }).success).toBe(true);
    expect(exportCodesInput.safeParse({ couponId, jobId: couponId }).success).toBe(false);
    expect(exportCodesInput.safeParse({}).success).toBe(false);
  });

  it("assign takes a user by id or by email", () => {
    expect(assignBookInput.safeParse({ bookId: couponId, user: { email: "a@b.test" } }).success).toBe(true);
    expect(assignBookInput.safeParse({ bookId: couponId, user: { userId: couponId } }).success).toBe(true);
    expect(assignBookInput.safeParse({ bookId: couponId, user: { email: "nope" } }).success).toBe(false);
  });

  it("analytics defaults to the last 30 days and refuses bad ranges", () => {
    const parsed = analyticsInput.parse({ to: "2026-03-31" });
    expect(parsed).toMatchObject({ from: "2026-03-02", to: "2026-03-31", currency: "USD" });
    expect(analyticsInput.safeParse({ from: "2026-13-01" }).success).toBe(false);
    expect(analyticsInput.safeParse({ channel: "fax" }).success).toBe(false);
  });
});
