import { expect, test } from "@playwright/test";
import { DEMO_BOOK, DEMO_COUPONS } from "@/server/db/demo-data";
import { ADMIN, findAccessibilityViolations, signIn, snap } from "./fixtures";

// Every admin page, with its data loaded (badges, tables, charts), has no serious or critical axe finding
// (colour contrast among them); the browser console shows no error (e.g. a missing favicon).
const PAGES = [
  { path: "/admin", name: "overview" },
  { path: "/admin/coupons", name: "coupons", ready: "coupon-phase" },
  { path: `/admin/coupons/${DEMO_COUPONS[0].id}`, name: "coupon", ready: "code-state" },
  { path: "/admin/coupons/new", name: "coupon-new" },
  { path: "/admin/codes", name: "codes" },
  { path: "/admin/redemptions", name: "redemptions" },
  { path: "/admin/audit", name: "audit" },
  { path: "/admin/generate", name: "generate" },
  { path: "/admin/import", name: "import" },
  { path: "/admin/books", name: "books" },
  { path: `/admin/books?bookId=${DEMO_BOOK.id}`, name: "book" },
  { path: "/admin/analytics", name: "analytics" },
] as const;

test("the admin pages pass axe (no serious or critical violation) and log no console error", async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  const consoleErrors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(`${page.url()}: ${message.text()}`);
  });
  await signIn(page, ADMIN, "/admin");
  const violations: Record<string, string[]> = {};
  for (const entry of PAGES) {
    await page.goto(entry.path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    if ("ready" in entry) await expect(page.getByTestId(entry.ready).first()).toBeVisible();
    await page.waitForLoadState("networkidle");
    const found = await findAccessibilityViolations(page, testInfo, `admin-${entry.name}`);
    if (found.length > 0) violations[entry.path] = found;
    await snap(page, testInfo, `admin-${entry.name}`);
  }
  // Every page's findings at once (not only the first page's).
  expect(violations).toEqual({});
  expect(consoleErrors).toEqual([]);
});
