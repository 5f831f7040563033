import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { ADMIN, expectAccessible, signIn, snap, VIEWER } from "./fixtures";

// A real receiver on 127.0.0.1 (the e2e server allows private webhook URLs: WEBHOOK_ALLOW_PRIVATE_URLS=1).
const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
    res.writeHead(204).end();
  });
});
let receiverUrl = "";

test.beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/e2e-${Date.now()}`;
});
test.afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

test("an admin registers an endpoint, sees its secret once, sends a test event, replays it, edits and deletes it", async ({
  page,
}, testInfo) => {
  await signIn(page, ADMIN, "/admin/webhooks");
  await page.goto("/admin/webhooks");
  await expect(page.getByRole("heading", { name: "Webhooks" })).toBeVisible();

  await page.getByRole("button", { name: "New endpoint" }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Create endpoint" }).click();
  // The server's schema speaks in the form.
  await expect(dialog.getByText("A URL is required.")).toBeVisible();
  await dialog.getByLabel("URL").fill("ftp://example.com/x");
  await dialog.getByRole("button", { name: "Create endpoint" }).click();
  await expect(dialog.getByText("Only http:// and https:// URLs can receive webhooks.")).toBeVisible();
  await dialog.getByLabel("URL").fill(receiverUrl);
  await dialog.getByLabel("Description").fill("E2E receiver");
  await dialog.getByRole("checkbox", { name: "coupon.created" }).click();
  await dialog.getByRole("button", { name: "Create endpoint" }).click();

  // The secret, shown once.
  const secret = (await page.getByTestId("webhook-secret").textContent())!.trim();
  expect(secret).toMatch(/^whsec_/);
  await snap(page, testInfo, "webhooks-secret");
  await page.getByRole("button", { name: "Done" }).click();

  const table = page.getByRole("table", { name: "Webhook endpoints" });
  const row = table.getByRole("row").filter({ hasText: receiverUrl });
  await expect(row).toBeVisible();
  await expect(row.getByText("Enabled")).toBeVisible();
  await row.getByRole("button", { name: `Show the deliveries of ${receiverUrl}` }).click();

  // A test event arrives, signed with that secret.
  await row.getByRole("button", { name: `Send a test event to ${receiverUrl}` }).click();
  await expect(page.getByText("Test event queued")).toBeVisible();
  await expect.poll(() => received.length, { timeout: 30_000 }).toBe(1);
  const first = received[0]!;
  const payload = new Webhook(secret).verify(first.body, first.headers as Record<string, string>) as { id: string };
  expect(payload).toMatchObject({ type: "webhook.test", id: first.headers["webhook-id"] });

  const log = page.getByRole("table", { name: "Deliveries" });
  await expect(log.getByText("Succeeded")).toBeVisible({ timeout: 20_000 });
  await expect(log.getByText("webhook.test")).toBeVisible();

  // Replay: the same webhook-id again.
  await log.getByRole("button", { name: /^Replay the webhook.test delivery/ }).click();
  await expect.poll(() => received.length, { timeout: 30_000 }).toBe(2);
  expect(received[1]!.headers["webhook-id"]).toBe(first.headers["webhook-id"]);
  await expect(log.getByText("(replay)")).toBeVisible({ timeout: 20_000 });
  await snap(page, testInfo, "webhooks-delivery-log");
  await expectAccessible(page, testInfo, "webhooks");

  // Edit its events.
  await row.getByRole("button", { name: `Edit ${receiverUrl}` }).click();
  await page.getByRole("dialog").getByRole("checkbox", { name: "code.redeemed" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Save" }).click();
  await expect(row.getByText("code.redeemed")).toBeVisible();

  // Off, then delete.
  await row.getByRole("switch", { name: `Disable ${receiverUrl}` }).click();
  await expect(row.getByText("Disabled")).toBeVisible();
  await row.getByRole("button", { name: `Delete ${receiverUrl}` }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Delete endpoint" }).click();
  await expect(table.getByRole("row").filter({ hasText: receiverUrl })).toHaveCount(0);
});

test("a viewer sees endpoints and deliveries but no controls", async ({ page }) => {
  await signIn(page, VIEWER, "/admin/webhooks");
  await page.goto("/admin/webhooks");
  await expect(page.getByRole("heading", { name: "Webhooks" })).toBeVisible();
  await expect(page.getByRole("button", { name: "New endpoint" })).toHaveCount(0);
  await expect(page.getByRole("switch")).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Delete / })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Replay / })).toHaveCount(0);
});
