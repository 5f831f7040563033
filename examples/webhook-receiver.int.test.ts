import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import PgBoss from "pg-boss";
import { afterAll, beforeAll, expect, it } from "vitest";
import { getDb } from "@/server/db/client";
import { findUserByEmail } from "@/server/db/queries/find-user-by-email";
import { createCouponInput } from "@/server/domain/admin-inputs";
import { createWebhookEndpointInput } from "@/server/domain/webhook-inputs";
import { env } from "@/server/env";
import { createCoupon } from "@/server/services/create-coupon";
import { createWebhookEndpoint } from "@/server/services/webhooks/create-webhook-endpoint";
import { deleteWebhookEndpoint } from "@/server/services/webhooks/delete-webhook-endpoint";
import { startWebhookWorkers } from "@/server/services/webhooks/start-webhook-workers";
import { updateWebhookEndpoint } from "@/server/services/webhooks/update-webhook-endpoint";

// Runs examples/webhook-receiver.ts as a user would (tsx, its own process) and delivers real events to it.
let child: ChildProcess | undefined;
let boss: PgBoss;
let stopDispatch: () => void;
let actor: { userId: string; email: string };
let endpointId: string | undefined;
const lines: string[] = [];

beforeAll(async () => {
  const admin = await findUserByEmail(getDb(), "admin@demo.test");
  actor = { userId: admin!.id, email: admin!.email };
  boss = new PgBoss({ connectionString: env().DATABASE_URL, schema: "pgboss", max: 2, schedule: false });
  boss.on("error", (error) => console.error("[test jobs] pg-boss:", error));
  await boss.start();
  stopDispatch = await startWebhookWorkers(boss, { dispatchEverySeconds: 1 });
});

afterAll(async () => {
  child?.kill();
  stopDispatch();
  await boss.stop({ graceful: false, wait: true });
  if (endpointId) await deleteWebhookEndpoint({ id: endpointId }, actor);
});

it("the example receiver verifies and handles a real event, and refuses a forged one", async () => {
  // The endpoint first (it makes the secret), off until the receiver listens.
  const created = await createWebhookEndpoint(
    createWebhookEndpointInput.parse({ url: "http://127.0.0.1:9/webhooks", eventTypes: ["coupon.created"] }),
    actor,
  );
  endpointId = created.endpoint.id;
  await updateWebhookEndpoint({ id: endpointId, enabled: false }, actor);

  child = spawn(process.execPath, ["--import", "tsx", "examples/webhook-receiver.ts"], {
    env: { ...process.env, WEBHOOK_SECRET: created.secret, PORT: "0" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  createInterface({ input: child.stdout! }).on("line", (line) => lines.push(line));
  await expect.poll(() => lines.find((l) => l.startsWith("listening on ")), { timeout: 30_000 }).toBeDefined();
  const url = lines.find((l) => l.startsWith("listening on "))!.slice("listening on ".length);
  await updateWebhookEndpoint({ id: endpointId, url, enabled: true }, actor);

  const coupon = await createCoupon(
    createCouponInput.parse({ name: "Example receiver", kind: "PERCENT", value: 1000, currency: "USD" }),
    actor,
  );
  const handled = () =>
    lines
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { received: string; type: string; data: { id?: string; name?: string } })
      .filter((e) => e.data.id === coupon.id);
  await expect.poll(() => handled().length, { timeout: 30_000, interval: 200 }).toBe(1);
  expect(handled()[0]).toMatchObject({ type: "coupon.created", data: { id: coupon.id, name: "Example receiver" } });

  // A request not signed with the secret is refused (400) and never handled.
  const forged = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "webhook-id": "forged",
      "webhook-timestamp": String(Math.floor(Date.now() / 1000)),
      "webhook-signature": "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    },
    body: JSON.stringify({ id: "forged", type: "coupon.created", timestamp: new Date().toISOString(), data: {} }),
  });
  expect(forged.status).toBe(400);
  expect(lines.some((l) => l.includes('"forged"'))).toBe(false);
});
