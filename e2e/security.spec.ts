import http from "node:http";
import { expect, test } from "@playwright/test";
import superjson from "superjson";
import { ADMIN, signIn, snap } from "./fixtures";

const PORT = Number(process.env.E2E_PORT ?? 3100);

/**
 * A request from our own loopback address (127/8 all reaches lo): the server's rate-limit buckets of
 * 127.0.0.1, which the browser tests use, are left alone.
 */
function fromAddress(
  from: string,
  path: string,
  opts: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port: PORT,
        path,
        method: opts.method ?? "GET",
        localAddress: from,
        agent: false,
        headers: { "content-type": "application/json", ...opts.headers },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

const CART = {
  currency: "USD",
  items: [{ productId: "espresso-beans", categoryIds: ["coffee"], unitPrice: 2450, quantity: 1 }],
  shipping: 0,
};

function expectSecurityHeaders(headers: Record<string, string | string[] | undefined>) {
  expect(String(headers["content-security-policy"])).toContain("frame-ancestors 'none'");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  // Plain HTTP, and the client's own X-Forwarded-Proto is not believed: no HSTS.
  expect(headers["strict-transport-security"]).toBeUndefined();
}

test("pages and API answers carry the security headers (no HSTS over plain HTTP)", async () => {
  const page = await fromAddress("127.0.3.1", "/", { headers: { "x-forwarded-proto": "https" } });
  expect(page.status).toBe(200);
  expectSecurityHeaders(page.headers);
  expect(String(page.headers["content-security-policy"])).toContain("default-src 'self'");
  const signInPage = await fromAddress("127.0.3.1", "/sign-in");
  expectSecurityHeaders(signInPage.headers);
  const api = await fromAddress("127.0.3.1", "/api/trpc/health", { headers: { "x-forwarded-proto": "https" } });
  expect(api.status).toBe(200);
  expectSecurityHeaders(api.headers);
});

test("anonymous /api/health and tRPC health give the status only", async () => {
  const health = await fromAddress("127.0.3.2", "/api/health");
  expect(health.status).toBe(200);
  expect(Object.keys(JSON.parse(health.body) as object).sort()).toEqual(["checkedAt", "status"]);
  const trpc = await fromAddress("127.0.3.2", "/api/trpc/health");
  const body = JSON.parse(trpc.body) as { result: { data: { json: object } } };
  expect(Object.keys(body.result.data.json).sort()).toEqual(["checkedAt", "status"]);
});

test("the production server's errors carry no stack trace", async () => {
  const bad = await fromAddress("127.0.3.3", "/api/trpc/checkout.validate", {
    method: "POST",
    body: JSON.stringify({ json: { codes: "not-a-list", cart: {} } }),
  });
  expect(bad.status).toBe(400);
  expect(bad.body).not.toMatch(/"stack"|\bat .+\(.+:\d+:\d+\)/);
  const notJson = await fromAddress("127.0.3.3", "/api/trpc/checkout.validate", { method: "POST", body: "{nope" });
  expect(notJson.status).toBe(400);
  expect(notJson.body).not.toContain("stack");
});

test("rotating X-Forwarded-For from one socket does not reset the guess limit", async () => {
  const from = `127.0.4.${1 + Math.floor(Math.random() * 250)}`;
  const statuses: number[] = [];
  for (let i = 0; i < 40; i += 1) {
    const answer = await fromAddress(from, "/api/trpc/checkout.validate", {
      method: "POST",
      headers: { "x-forwarded-for": `198.18.7.${i}` },
      body: JSON.stringify(superjson.serialize({ codes: [`NOPE${Date.now()}X${i}`], cart: CART })),
    });
    statuses.push(answer.status);
  }
  // 30 failed codes per address per window (README, rate-limit policy table).
  expect(statuses.filter((s) => s === 200)).toHaveLength(30);
  expect(statuses.filter((s) => s === 429)).toHaveLength(10);
});

test("the sign-in page lists the demo accounts where they were seeded", async ({ page }) => {
  await page.goto("/sign-in");
  await expect(page.getByTestId("demo-accounts")).toContainText(ADMIN.email);
});

for (const callbackUrl of ["/\\evil.example", "//evil.example", "https://evil.example/"]) {
  test(`sign-in with callbackUrl ${JSON.stringify(callbackUrl)} stays on this site`, async ({ page }) => {
    await signIn(page, ADMIN, callbackUrl);
    const url = new URL(page.url());
    expect(url.origin).toBe(`http://127.0.0.1:${PORT}`);
    expect(url.pathname).toBe("/");
  });
}

test("sign-in is throttled per account: after 10 failures the form says so", async ({ page }, testInfo) => {
  // An address no test signs in with: only this test's failures count against it.
  const email = `throttle-${Date.now()}@nowhere.test`;
  await page.goto("/sign-in");
  for (let i = 0; i < 10; i += 1) {
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(`wrong-${i}`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: /\S/ })).toHaveText("Wrong email or password.");
    await page.reload();
  }
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("wrong-again");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /\S/ })).toHaveText(
    "Too many sign-in attempts. Wait a few minutes and try again.",
  );
  await snap(page, testInfo, "sign-in-throttled");
});
