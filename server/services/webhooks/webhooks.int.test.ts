import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import PgBoss from "pg-boss";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/server/db/client";
import { findUserByEmail } from "@/server/db/queries/find-user-by-email";
import { expireStaleLocks, IdempotencyKeyLostError, insertRedemptionsAnswered } from "@/server/db/queries/gate-records";
import { endCodeJob, requestCodeJobCancel } from "@/server/db/queries/code-jobs";
import { createCouponInput, updateCouponInput } from "@/server/domain/admin-inputs";
import { generateCodesInput } from "@/server/domain/code-job-inputs";
import { createWebhookEndpointInput } from "@/server/domain/webhook-inputs";
import { env } from "@/server/env";
import { resetBreaker } from "@/server/redis/circuit-breaker";
import { createCoupon } from "../create-coupon";
import { CODE_JOBS_QUEUE } from "../enqueue-code-job";
import { CheckoutRejectedError, InvalidInputError } from "../errors";
import { makeTestCoupon, TEST_CART, testCaller } from "../gate-test-fixtures";
import { lockCheckout } from "../lock-checkout";
import { redeemCheckout } from "../redeem-checkout";
import { runCodeJob } from "../run-code-job";
import { setCouponStatus } from "../set-coupon-status";
import { startCodeGeneration } from "../start-code-generation";
import { updateCoupon } from "../update-coupon";
import { voidRedemption } from "../void-redemption";
import { createWebhookEndpoint } from "./create-webhook-endpoint";
import { deleteWebhookEndpoint } from "./delete-webhook-endpoint";
import { deliverWebhook } from "./deliver-webhook";
import { dispatchWebhookEvents } from "./dispatch-webhook-events";
import { enqueueWebhookDeliveries } from "./enqueue-webhook-deliveries";
import { listWebhookDeliveries } from "./list-webhook-deliveries";
import { listWebhookEndpoints } from "./list-webhook-endpoints";
import { postWebhook } from "./post-webhook";
import { pruneWebhookHistory } from "./prune-webhook-history";
import { replayWebhookDelivery } from "./replay-webhook-delivery";
import { startWebhookWorkers } from "./start-webhook-workers";
import { updateWebhookEndpoint } from "./update-webhook-endpoint";
import { eventsWhere, makeDelivery, startReceiver } from "./webhooks.fixtures";

// Fast retries and a low auto-disable threshold for this file (read lazily by env(), before any use).
vi.hoisted(() => {
  Object.assign(process.env, {
    WEBHOOK_RETRY_DELAY_SECONDS: "1",
    WEBHOOK_RETRY_LIMIT: "4",
    WEBHOOK_TIMEOUT_SECONDS: "5",
    WEBHOOK_DISABLE_AFTER_FAILURES: "3",
    WEBHOOK_DISABLE_AFTER_HOURS: "0",
  });
});

const globals = globalThis as unknown as { couponRedis?: unknown; couponLimiters?: unknown };
let adminId: string;
let actor: { userId: string; email: string };
let boss: PgBoss;
let stopDispatch: () => void;
const endpointIds: string[] = [];

beforeAll(async () => {
  adminId = (await findUserByEmail(getDb(), "admin@demo.test"))!.id;
  actor = { userId: adminId, email: "admin@demo.test" };
  boss = new PgBoss({ connectionString: env().DATABASE_URL, schema: "pgboss", max: 2, schedule: false });
  boss.on("error", (error) => console.error("[test jobs] pg-boss:", error));
  await boss.start();
  stopDispatch = await startWebhookWorkers(boss, { dispatchEverySeconds: 1 });
  // startCodeGeneration sends to this queue (its worker is not needed: the test runs the job itself).
  await boss.createQueue(CODE_JOBS_QUEUE);
});

afterAll(async () => {
  stopDispatch();
  await boss.stop({ graceful: false, wait: true });
  for (const id of endpointIds) await deleteWebhookEndpoint({ id }, actor).catch(() => undefined);
});

async function endpoint(url: string, eventTypes: string[] = ["coupon.created"]) {
  const created = await createWebhookEndpoint(createWebhookEndpointInput.parse({ url, eventTypes }), actor);
  endpointIds.push(created.endpoint.id);
  return created;
}

const verify = (secret: string, request: { body: string; headers: Record<string, unknown> }) =>
  new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as Record<string, unknown>;

const attemptsOf = (deliveryId: string) =>
  getDb().execute<{ attempt: number; status_code: number | null; replay: boolean }>(
    sql`select attempt, status_code, replay from webhook_attempts where delivery_id = ${deliveryId} order by attempt`,
  );

const deliveryStatus = async (deliveryId: string) =>
  (await getDb().execute<{ status: string }>(sql`select status from webhook_deliveries where id = ${deliveryId}`))[0]
    ?.status;

describe("endpoints", () => {
  it("takes only http(s) URLs without credentials", () => {
    for (const url of ["ftp://example.com/x", "file:///etc/passwd", "javascript:alert(1)", "gopher://h/", "nope"])
      expect(createWebhookEndpointInput.safeParse({ url, eventTypes: ["coupon.created"] }).success, url).toBe(false);
    expect(
      createWebhookEndpointInput.safeParse({ url: "https://u:p@example.com/", eventTypes: ["coupon.created"] }).success,
    ).toBe(false);
    expect(createWebhookEndpointInput.safeParse({ url: "https://example.com/h", eventTypes: [] }).success).toBe(false);
    expect(createWebhookEndpointInput.safeParse({ url: "https://example.com/h", eventTypes: ["nope"] }).success).toBe(
      false,
    );
    expect(
      createWebhookEndpointInput.safeParse({ url: "https://example.com/h", eventTypes: ["code.redeemed"] }).success,
    ).toBe(true);
  });

  it("creates with a whsec_ secret stored encrypted, lists without it, audits every change", async () => {
    const { endpoint: created, secret } = await endpoint("https://example.com/hooks");
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const [stored] = await getDb().execute<{ secret: Buffer }>(
      sql`select secret_encrypted as secret from webhook_endpoints where id = ${created.id}`,
    );
    expect(stored!.secret.includes(Buffer.from(secret.slice(6)))).toBe(false);
    const listed = (await listWebhookEndpoints()).find((e) => e.id === created.id);
    expect(listed).toBeDefined();
    expect(JSON.stringify(listed)).not.toContain(secret.slice(6));
    await updateWebhookEndpoint({ id: created.id, eventTypes: ["code.redeemed"], enabled: false }, actor);
    const [audits] = await getDb().execute<{ actions: string[] }>(
      sql`select array_agg(action order by created_at) as actions from audit_log where target_type = 'webhook_endpoint' and target_id = ${created.id}`,
    );
    expect(audits!.actions).toEqual(["webhook_endpoint.create", "webhook_endpoint.update"]);
    expect(
      JSON.stringify(await getDb().execute(sql`select after from audit_log where target_id = ${created.id}`)),
    ).not.toContain(secret.slice(6));
  });

  it("refuses private addresses when they are not allowed (literal and resolved)", async () => {
    for (const url of ["http://127.0.0.1:9/h", "http://localhost:9/h", "http://[::1]:9/h", "http://169.254.169.254/"]) {
      const result = await postWebhook({
        url,
        secret: `whsec_${Buffer.alloc(24, 1).toString("base64")}`,
        webhookId: "evt",
        body: "{}",
        timeoutMs: 2_000,
        allowPrivate: false,
      });
      expect(result.statusCode, url).toBeNull();
      expect(result.error, url).toMatch(/private address/);
    }
  });
});

describe("outbox", () => {
  it("writes an event for each change: coupon created, updated, disabled; code redeemed (both gates); voided; job finished", async () => {
    const coupon = await createCoupon(
      createCouponInput.parse({ name: "Outbox", kind: "PERCENT", value: 500, currency: "USD" }),
      actor,
    );
    expect(await eventsWhere("coupon.created", "id", coupon.id)).toHaveLength(1);
    await updateCoupon(
      updateCouponInput.parse({ id: coupon.id, name: "Outbox 2", kind: "PERCENT", value: 700, currency: "USD" }),
      actor,
    );
    const [updated] = await eventsWhere("coupon.updated", "id", coupon.id);
    expect(updated!.data).toMatchObject({ name: "Outbox 2", value: 700, version: 2 });
    expect(updated!.data).not.toHaveProperty("internalNotes");
    await setCouponStatus({ id: coupon.id, status: "DISABLED" }, actor);
    const [disabled] = await eventsWhere("coupon.disabled", "id", coupon.id);
    expect(disabled!.data).toMatchObject({ status: "DISABLED", previousStatus: "ACTIVE" });

    // code.redeemed, through the Redis gate (the configured one) and the Postgres gate.
    for (const mode of ["redis", "postgres"] as const) {
      if (mode === "postgres") globals.couponRedis = null;
      globals.couponLimiters = undefined;
      resetBreaker();
      const target = await makeTestCoupon(adminId, "HOOK", {});
      const orderId = `hook-order-${randomUUID()}`;
      const result = await redeemCheckout(
        { codes: [target.code], cart: TEST_CART, orderId, idempotencyKey: randomUUID() },
        testCaller(`hook-${mode}`, 91),
      );
      const redemptionId = result.redemptions[0]!.id;
      const [redeemed] = await eventsWhere("code.redeemed", "redemptionId", redemptionId);
      expect(redeemed!.data, mode).toMatchObject({
        couponId: target.couponId,
        codeId: target.codeId,
        orderId,
        customerId: `hook-${mode}`,
        amount: 100,
        currency: "USD",
      });
      await voidRedemption({ redemptionId, reason: "refunded" }, actor);
      const [voided] = await eventsWhere("redemption.voided", "redemptionId", redemptionId);
      expect(voided!.data).toMatchObject({ orderId, voidReason: "refunded", usesRestored: true });
    }
    globals.couponRedis = undefined;
    globals.couponLimiters = undefined;
    resetBreaker();

    // job.finished: a generation run to the end, and a queued job cancelled before it started.
    const target = await makeTestCoupon(adminId, "HOOKJOB", {}, { kind: "UNIQUE" });
    const job = await startCodeGeneration(generateCodesInput.parse({ couponId: target.couponId, count: 5 }), {
      userId: adminId,
    });
    await runCodeJob(job.id);
    await expect.poll(async () => (await eventsWhere("job.finished", "jobId", job.id)).length).toBe(1);
    const [finished] = await eventsWhere("job.finished", "jobId", job.id);
    expect(finished!.data).toMatchObject({ kind: "GENERATE", status: "COMPLETED", total: 5, done: 5 });
    await runCodeJob(job.id);
    expect(await eventsWhere("job.finished", "jobId", job.id)).toHaveLength(1);

    // A job that fails is announced once, however often its end is written.
    const [failing] = await getDb().execute<{ id: string }>(
      sql`insert into code_jobs (kind, status, coupon_id, params, total) values ('IMPORT', 'RUNNING', ${target.couponId}, '{}', 3) returning id`,
    );
    await endCodeJob(getDb(), failing!.id, { status: "FAILED", message: "The file holds no codes.", errorCount: 0 });
    await endCodeJob(getDb(), failing!.id, { status: "FAILED", message: "again" });
    const failed = await eventsWhere("job.finished", "jobId", failing!.id);
    expect(failed.map((e) => e.data)).toEqual([
      expect.objectContaining({ kind: "IMPORT", status: "FAILED", message: "The file holds no codes." }),
    ]);
  });

  it("announces a lock that expired unredeemed once (lock.expired), however many sweeps see it", async () => {
    const target = await makeTestCoupon(adminId, "HOOKLOCK", {});
    const { lockId } = await lockCheckout(
      { codes: [target.code], cart: TEST_CART, idempotencyKey: randomUUID() },
      testCaller("hook-lock", 92),
    );
    expect(await eventsWhere("lock.expired", "lockId", lockId)).toHaveLength(0);
    await getDb().execute(sql`update locks set expires_at = now() - interval '1 second' where id = ${lockId}`);
    const sweeps = await Promise.all([expireStaleLocks(getDb()), expireStaleLocks(getDb())]);
    expect(sweeps.flat().filter((id) => id === lockId)).toHaveLength(1);
    await expireStaleLocks(getDb());
    const events = await eventsWhere("lock.expired", "lockId", lockId);
    expect(events.map((e) => e.data)).toEqual([
      expect.objectContaining({ customerId: "hook-lock", couponIds: [target.couponId], codeIds: [target.codeId] }),
    ]);
  });

  it("a change that rolls back leaves no event", async () => {
    // A QUEUED job cancelled (its job.finished written by the same statement), then rolled back.
    const target = await makeTestCoupon(adminId, "HOOKRB", {}, { kind: "UNIQUE" });
    const [job] = await getDb().execute<{ id: string }>(
      sql`insert into code_jobs (kind, coupon_id, params, total) values ('GENERATE', ${target.couponId}, '{}', 1) returning id`,
    );
    const rollback = new Error("roll back");
    await expect(
      getDb().transaction(async (tx) => {
        expect(await requestCodeJobCancel(tx, job!.id)).toBe("QUEUED");
        const [inside] = await tx.execute<{ n: number }>(
          sql`select count(*)::int as n from events where type = 'job.finished' and data->>'jobId' = ${job!.id}`,
        );
        expect(inside!.n).toBe(1);
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    expect(await eventsWhere("job.finished", "jobId", job!.id)).toHaveLength(0);
    expect(await requestCodeJobCancel(getDb(), job!.id)).toBe("QUEUED");
    expect(await eventsWhere("job.finished", "jobId", job!.id)).toHaveLength(1);

    // A redeem whose idempotency key is not ours: no redemption, so no code.redeemed.
    const redemptionId = randomUUID();
    await expect(
      insertRedemptionsAnswered(getDb(), [
        {
          rows: [
            {
              id: redemptionId,
              couponId: target.couponId,
              codeId: target.codeId,
              customerId: "nobody",
              orderId: `o-${redemptionId}`,
              amount: 100,
              currency: "USD",
              perUserUnique: false,
              codeSingleUse: false,
            },
          ],
          answer: { scope: "nobody", key: randomUUID(), ownerToken: randomUUID(), response: {} },
        },
      ]),
    ).rejects.toBeInstanceOf(IdempotencyKeyLostError);
    expect(await eventsWhere("code.redeemed", "redemptionId", redemptionId)).toHaveLength(0);

    // A refused redeem (disabled coupon) writes nothing either.
    await setCouponStatus({ id: target.couponId, status: "DISABLED" }, actor);
    await expect(
      redeemCheckout(
        { codes: [target.code], cart: TEST_CART, orderId: `o-${randomUUID()}`, idempotencyKey: randomUUID() },
        testCaller("hook-refused", 92),
      ),
    ).rejects.toBeInstanceOf(CheckoutRejectedError);
    expect(await eventsWhere("code.redeemed", "couponId", target.couponId)).toHaveLength(0);
  });
});

describe("delivery", () => {
  it("delivers a committed change, signed: Webhook.verify accepts it, the payload has the documented shape", async () => {
    const receiver = await startReceiver();
    try {
      const { secret } = await endpoint(receiver.url);
      const coupon = await createCoupon(
        createCouponInput.parse({ name: "Announced", kind: "FIXED", value: 250, currency: "USD" }),
        actor,
      );
      const [event] = await eventsWhere("coupon.created", "id", coupon.id);
      // The dispatcher (offered every second) fans it out; a worker posts it.
      await expect.poll(() => receiver.of(event!.id).length, { timeout: 30_000, interval: 200 }).toBe(1);
      const request = receiver.of(event!.id)[0]!;
      const payload = verify(secret, request);
      expect(payload).toEqual({
        id: event!.id,
        type: "coupon.created",
        timestamp: expect.any(String),
        data: event!.data,
      });
      expect(new Date(payload.timestamp as string).toISOString()).toBe(payload.timestamp);
      expect(request.headers["content-type"]).toBe("application/json");
      expect(request.headers["webhook-signature"]).toMatch(/^v1,/);
      // Tampered bodies and other secrets are refused.
      expect(() => verify(secret, { ...request, body: request.body.replace("Announced", "Announcer") })).toThrow();
      expect(() => verify(`whsec_${Buffer.alloc(24, 7).toString("base64")}`, request)).toThrow();
    } finally {
      await receiver.close();
    }
  });

  it("each (event, endpoint) is enqueued once, however often the dispatcher runs", async () => {
    const receiver = await startReceiver();
    try {
      const { endpoint: ep } = await endpoint(receiver.url, ["coupon.updated"]);
      await updateWebhookEndpoint({ id: ep.id, enabled: true }, actor);
      const coupon = await createCoupon(
        createCouponInput.parse({ name: "Once", kind: "FIXED", value: 100, currency: "USD" }),
        actor,
      );
      await setCouponStatus({ id: coupon.id, status: "ARCHIVED" }, actor);
      const [event] = await eventsWhere("coupon.updated", "id", coupon.id);
      await Promise.all([dispatchWebhookEvents(), dispatchWebhookEvents(), dispatchWebhookEvents()]);
      const deliveries = await getDb().execute<{ id: string }>(
        sql`select id from webhook_deliveries where event_id = ${event!.id} and endpoint_id = ${ep.id}`,
      );
      expect(deliveries).toHaveLength(1);
      await enqueueWebhookDeliveries([deliveries[0]!.id]);
      const [jobs] = await getDb().execute<{ n: number }>(
        sql`select count(*)::int as n from pgboss.job where name = 'webhook-deliveries' and data->>'deliveryId' = ${deliveries[0]!.id}`,
      );
      expect(jobs!.n).toBe(1);
      await expect.poll(() => receiver.of(event!.id).length, { timeout: 30_000, interval: 200 }).toBe(1);
    } finally {
      await receiver.close();
    }
  });

  it("retries with exponential back-off after 500s, then succeeds; the webhook-id is the same on every try", async () => {
    let calls = 0;
    const receiver = await startReceiver(() => (++calls <= 2 ? 500 : 204));
    try {
      const { endpoint: ep, secret } = await endpoint(receiver.url);
      const { eventId, deliveryId } = await makeDelivery(ep.id);
      await enqueueWebhookDeliveries([deliveryId]);
      await expect.poll(() => deliveryStatus(deliveryId), { timeout: 40_000, interval: 250 }).toBe("SUCCEEDED");
      const tries = receiver.of(eventId);
      expect(tries).toHaveLength(3);
      for (const t of tries) expect(verify(secret, t)).toMatchObject({ id: eventId });
      // pg-boss's back-off: at least 1 s before the first retry, at least 2 s before the second.
      expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(900);
      expect(tries[2]!.at - tries[1]!.at).toBeGreaterThanOrEqual(1_900);
      expect((await attemptsOf(deliveryId)).map((a) => [a.attempt, a.status_code])).toEqual([
        [1, 500],
        [2, 500],
        [3, 204],
      ]);
      const [log] = await listWebhookDeliveries({ endpointId: ep.id, limit: 10 });
      expect(log).toMatchObject({ id: deliveryId, status: "SUCCEEDED", attempts: 3, lastStatusCode: 204 });
      expect(log!.log).toHaveLength(3);

      // Replay: the same webhook-id and body again, logged as a replay, audited.
      await replayWebhookDelivery({ deliveryId }, actor);
      await expect.poll(() => receiver.of(eventId).length, { timeout: 30_000, interval: 200 }).toBe(4);
      const replayed = receiver.of(eventId)[3]!;
      expect(replayed.body).toBe(tries[0]!.body);
      expect(verify(secret, replayed)).toMatchObject({ id: eventId });
      await expect
        .poll(async () => (await attemptsOf(deliveryId)).at(-1))
        .toEqual({ attempt: 4, status_code: 204, replay: true });
      const [audit] = await getDb().execute<{ n: number }>(
        sql`select count(*)::int as n from audit_log where action = 'webhook_delivery.replay' and target_id = ${ep.id}`,
      );
      expect(audit!.n).toBe(1);
    } finally {
      await receiver.close();
    }
  });

  it("disables an endpoint that keeps failing, with a notice and an audit entry; enabling clears it", async () => {
    const receiver = await startReceiver(() => 503);
    try {
      const { endpoint: ep } = await endpoint(receiver.url);
      // Three failed attempts in a row (WEBHOOK_DISABLE_AFTER_FAILURES=3 here, over 0 hours).
      for (let i = 0; i < 3; i++) {
        const { deliveryId } = await makeDelivery(ep.id);
        const outcome = await deliverWebhook({ deliveryId, finalAttempt: i === 2 });
        expect(outcome).toMatchObject({ kind: "sent", ok: false, statusCode: 503 });
        expect(await deliveryStatus(deliveryId)).toBe(i === 2 ? "FAILED" : "PENDING");
      }
      const [disabled] = (await listWebhookEndpoints()).filter((e) => e.id === ep.id);
      expect(disabled).toMatchObject({ enabled: false, consecutiveFailures: 3 });
      expect(disabled!.disabledReason).toMatch(/Disabled automatically.*3 failed attempts/);
      const [audit] = await getDb().execute<{ actor_id: string | null }>(
        sql`select actor_id from audit_log where action = 'webhook_endpoint.auto_disable' and target_id = ${ep.id}`,
      );
      expect(audit).toEqual({ actor_id: null });
      // Nothing more is sent to it; a replay is refused until it is enabled again.
      const { deliveryId } = await makeDelivery(ep.id);
      const before = receiver.received.length;
      expect(await deliverWebhook({ deliveryId, finalAttempt: false })).toEqual({
        kind: "skipped",
        why: "endpoint disabled",
      });
      expect(receiver.received.length).toBe(before);
      expect(await deliveryStatus(deliveryId)).toBe("FAILED");
      await expect(replayWebhookDelivery({ deliveryId }, actor)).rejects.toBeInstanceOf(InvalidInputError);
      const enabled = await updateWebhookEndpoint({ id: ep.id, enabled: true }, actor);
      expect(enabled).toMatchObject({ enabled: true, disabledReason: null, consecutiveFailures: 0 });
    } finally {
      await receiver.close();
    }
  });

  it("a success resets the failure streak", async () => {
    let fail = true;
    const receiver = await startReceiver(() => (fail ? 500 : 200));
    try {
      const { endpoint: ep } = await endpoint(receiver.url);
      for (let i = 0; i < 2; i++)
        await deliverWebhook({ deliveryId: (await makeDelivery(ep.id)).deliveryId, finalAttempt: true });
      fail = false;
      await deliverWebhook({ deliveryId: (await makeDelivery(ep.id)).deliveryId, finalAttempt: true });
      fail = true;
      for (let i = 0; i < 2; i++)
        await deliverWebhook({ deliveryId: (await makeDelivery(ep.id)).deliveryId, finalAttempt: true });
      const [after] = (await listWebhookEndpoints()).filter((e) => e.id === ep.id);
      expect(after).toMatchObject({ enabled: true, consecutiveFailures: 2 });
    } finally {
      await receiver.close();
    }
  });
});

describe("retention", () => {
  it("deletes finished deliveries and sent events past the retention, keeps pending and recent ones", async () => {
    const { endpoint: ep } = await endpoint("https://example.com/retention");
    const old = await makeDelivery(ep.id);
    const pending = await makeDelivery(ep.id);
    const recent = await makeDelivery(ep.id);
    await getDb().execute(
      sql`update webhook_deliveries set status = 'SUCCEEDED' where id in (${old.deliveryId}, ${recent.deliveryId})`,
    );
    await getDb().execute(
      sql`update webhook_deliveries set updated_at = now() - interval '40 days' where id in (${old.deliveryId}, ${pending.deliveryId})`,
    );
    await getDb().execute(
      sql`update events set created_at = now() - interval '40 days' where id in (${old.eventId}, ${pending.eventId}, ${recent.eventId})`,
    );
    await pruneWebhookHistory(30);
    const left = await getDb().execute<{ id: string }>(
      sql`select id from webhook_deliveries where endpoint_id = ${ep.id} order by id`,
    );
    expect(left.map((d) => d.id).sort()).toEqual([pending.deliveryId, recent.deliveryId].sort());
    const events = await getDb().execute<{ id: string }>(
      sql`select id from events where id in (${old.eventId}, ${pending.eventId}, ${recent.eventId})`,
    );
    // The old event went with its delivery; the others still have theirs.
    expect(events.map((e) => e.id).sort()).toEqual([pending.eventId, recent.eventId].sort());
  });
});
