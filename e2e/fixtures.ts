import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, type TestInfo } from "@playwright/test";
import { DEMO_ACCOUNTS } from "@/server/db/demo-data";

export const ADMIN = DEMO_ACCOUNTS.find((a) => a.role === "admin")!;
export const VIEWER = DEMO_ACCOUNTS.find((a) => a.role === "viewer")!;
export const SHOPPER = DEMO_ACCOUNTS.find((a) => a.role === "shopper")!;

export async function signIn(
  page: Page,
  account: { email: string; password: string },
  callbackUrl = "/",
): Promise<void> {
  await page.goto(`/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("current-user")).toHaveText(account.email);
}

/** Full-page screenshot kept with the test's artifacts (test-results/e2e). */
export async function snap(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

/** The serious and critical accessibility violations (axe-core) on the page as it is now, in words. */
export async function findAccessibilityViolations(page: Page, testInfo: TestInfo, name: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  await testInfo.attach(`axe-${name}`, { body: JSON.stringify(bad, null, 2), contentType: "application/json" });
  return bad.map(
    (v) =>
      `${v.id}: ${v.help} (${v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary?.split("\n").at(-1)?.trim() ?? ""}`).join("; ")})`,
  );
}

/** No serious or critical accessibility violation (axe-core) on the page as it is now. */
export async function expectAccessible(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  expect(await findAccessibilityViolations(page, testInfo, name)).toEqual([]);
}
