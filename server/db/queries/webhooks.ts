import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Executor } from "../client";
import {
  events,
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
  type WebhookAttemptRow,
  type WebhookEndpointRow,
} from "../schema";

export type NewWebhookEndpoint = typeof webhookEndpoints.$inferInsert;

export async function insertWebhookEndpoint(tx: Executor, values: NewWebhookEndpoint): Promise<WebhookEndpointRow> {
  const [row] = await tx.insert(webhookEndpoints).values(values).returning();
  return row!;
}

export async function findWebhookEndpoint(
  db: Executor,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<WebhookEndpointRow | undefined> {
  const query = db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).limit(1);
  const [row] = opts.forUpdate ? await query.for("update") : await query;
  return row;
}

export async function listWebhookEndpoints(db: Executor): Promise<WebhookEndpointRow[]> {
  return db.select().from(webhookEndpoints).orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id));
}

export async function updateWebhookEndpointRow(
  tx: Executor,
  id: string,
  patch: Partial<Pick<NewWebhookEndpoint, "url" | "description" | "eventTypes" | "enabled">>,
): Promise<WebhookEndpointRow | undefined> {
  const enabling = patch.enabled === true;
  const [row] = await tx
    .update(webhookEndpoints)
    .set({
      ...patch,
      // Enabled again by an admin: the notice goes and the failure streak starts over.
      ...(enabling ? { disabledReason: null, disabledAt: null, consecutiveFailures: 0, failingSince: null } : {}),
      ...(patch.enabled === false ? { disabledAt: sql`now()` } : {}),
      updatedAt: sql`now()`,
    })
    .where(eq(webhookEndpoints.id, id))
    .returning();
  return row;
}

export async function deleteWebhookEndpointRow(tx: Executor, id: string): Promise<WebhookEndpointRow | undefined> {
  const [row] = await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id)).returning();
  return row;
}

/**
 * Fans up to `limit` undispatched events out to the enabled endpoints subscribed to their type, as one
 * statement: the deliveries are written and the events marked dispatched together. SKIP LOCKED lets
 * several dispatchers run at once; the unique (event, endpoint) index makes a delivery exist once.
 */
export async function fanOutEvents(db: Executor, limit: number): Promise<{ events: number; deliveries: number }> {
  const [row] = await db.execute<{ events: number; deliveries: number }>(sql`
    with picked as (
      select id, type from events where dispatched_at is null order by created_at limit ${limit} for update skip locked),
    d as (
      insert into webhook_deliveries (event_id, endpoint_id)
      select p.id, w.id from picked p join webhook_endpoints w on w.enabled and p.type = any(w.event_types)
      on conflict (event_id, endpoint_id) do nothing
      returning 1),
    u as (update events set dispatched_at = now() where id in (select id from picked) returning 1)
    select (select count(*) from u)::int as events, (select count(*) from d)::int as deliveries`);
  return row ?? { events: 0, deliveries: 0 };
}

/** Deliveries not yet handed to pg-boss (written by a fan-out, a replay or a test event), oldest first. */
export async function listUnenqueuedDeliveries(db: Executor, limit: number): Promise<Array<{ id: string }>> {
  return db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(sql`${webhookDeliveries.enqueuedAt} is null`)
    .orderBy(webhookDeliveries.createdAt)
    .limit(limit);
}

export async function markDeliveriesEnqueued(db: Executor, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(webhookDeliveries)
    .set({ enqueuedAt: sql`now()` })
    .where(inArray(webhookDeliveries.id, ids));
}

/** A delivery with what sending it needs: its event and its endpoint (undefined once the endpoint is deleted). */
export async function findDeliveryToSend(db: Executor, deliveryId: string) {
  const [row] = await db
    .select({
      delivery: webhookDeliveries,
      event: { id: events.id, type: events.type, data: events.data, createdAt: events.createdAt },
      endpoint: webhookEndpoints,
    })
    .from(webhookDeliveries)
    .innerJoin(events, eq(events.id, webhookDeliveries.eventId))
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(eq(webhookDeliveries.id, deliveryId))
    .limit(1);
  return row;
}

export async function findDelivery(db: Executor, deliveryId: string) {
  const [row] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId)).limit(1);
  return row;
}

/** One attempt and its delivery's new state, together; the attempt's number is the delivery's count, bumped. */
export async function recordDeliveryAttempt(
  tx: Executor,
  attempt: {
    deliveryId: string;
    statusCode: number | null;
    durationMs: number;
    error: string | null;
    replay: boolean;
    status: "PENDING" | "SUCCEEDED" | "FAILED";
  },
): Promise<number> {
  const [delivery] = await tx
    .update(webhookDeliveries)
    .set({
      attempts: sql`${webhookDeliveries.attempts} + 1`,
      status: attempt.status,
      lastStatusCode: attempt.statusCode,
      lastError: attempt.error,
      updatedAt: sql`now()`,
    })
    .where(eq(webhookDeliveries.id, attempt.deliveryId))
    .returning({ attempts: webhookDeliveries.attempts });
  if (!delivery) return 0;
  await tx.insert(webhookAttempts).values({
    deliveryId: attempt.deliveryId,
    attempt: delivery.attempts,
    statusCode: attempt.statusCode,
    durationMs: attempt.durationMs,
    error: attempt.error,
    replay: attempt.replay,
  });
  return delivery.attempts;
}

export async function recordEndpointSuccess(tx: Executor, endpointId: string): Promise<void> {
  await tx
    .update(webhookEndpoints)
    .set({ consecutiveFailures: 0, failingSince: null, lastSuccessAt: sql`now()` })
    .where(eq(webhookEndpoints.id, endpointId));
}

/**
 * Counts a failed attempt; disables the endpoint (with `reason` as its notice) when it has failed at
 * least `failures` times in a row over at least `hours` hours. Returns whether this call disabled it.
 */
export async function recordEndpointFailure(
  tx: Executor,
  endpointId: string,
  policy: { failures: number; hours: number; reason: string },
): Promise<{ disabled: boolean; consecutiveFailures: number }> {
  // One update, decided on the locked row (a statement cannot update one row twice).
  const [row] = await tx.execute<{ disabled: boolean; consecutiveFailures: number }>(sql`
    with old as (
      select id, enabled, consecutive_failures + 1 as failures, coalesce(failing_since, now()) as since
      from webhook_endpoints where id = ${endpointId} for update),
    decided as (
      select *, enabled and failures >= ${policy.failures} and since <= now() - make_interval(hours => ${policy.hours}) as disable
      from old)
    update webhook_endpoints w set
      consecutive_failures = d.failures,
      failing_since = d.since,
      enabled = w.enabled and not d.disable,
      disabled_reason = case when d.disable then ${policy.reason} else w.disabled_reason end,
      disabled_at = case when d.disable then now() else w.disabled_at end,
      updated_at = now()
    from decided d where w.id = d.id
    returning d.disable as disabled, d.failures as "consecutiveFailures"`);
  return row ?? { disabled: false, consecutiveFailures: 0 };
}

/** A delivery that will not be sent (its endpoint is disabled): FAILED with the reason, no attempt made. */
export async function markDeliveryNotSent(db: Executor, deliveryId: string, reason: string): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set({ status: "FAILED", lastError: reason, updatedAt: sql`now()` })
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.status, "PENDING")));
}

/** Sets a delivery back to PENDING and not enqueued (a replay); undefined for an unknown delivery. */
export async function resetDeliveryForReplay(tx: Executor, deliveryId: string) {
  const [row] = await tx
    .update(webhookDeliveries)
    .set({ status: "PENDING", updatedAt: sql`now()` })
    .where(eq(webhookDeliveries.id, deliveryId))
    .returning();
  return row;
}

export async function insertDelivery(tx: Executor, values: { eventId: string; endpointId: string }) {
  const [row] = await tx.insert(webhookDeliveries).values(values).returning();
  return row!;
}

/** An endpoint's newest deliveries with their event type and every attempt. */
export async function listDeliveriesOfEndpoint(db: Executor, endpointId: string, limit: number) {
  const deliveries = await db
    .select({
      id: webhookDeliveries.id,
      eventId: webhookDeliveries.eventId,
      eventType: events.type,
      eventCreatedAt: events.createdAt,
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      lastStatusCode: webhookDeliveries.lastStatusCode,
      lastError: webhookDeliveries.lastError,
      createdAt: webhookDeliveries.createdAt,
      updatedAt: webhookDeliveries.updatedAt,
    })
    .from(webhookDeliveries)
    .innerJoin(events, eq(events.id, webhookDeliveries.eventId))
    .where(eq(webhookDeliveries.endpointId, endpointId))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(limit);
  const ids = deliveries.map((d) => d.id);
  const attempts: WebhookAttemptRow[] =
    ids.length === 0
      ? []
      : await db
          .select()
          .from(webhookAttempts)
          .where(inArray(webhookAttempts.deliveryId, ids))
          .orderBy(webhookAttempts.attempt);
  return deliveries.map((d) => ({ ...d, log: attempts.filter((a) => a.deliveryId === d.id) }));
}

/** For tests and the console: how many events are waiting for the dispatcher. */
export async function countUndispatchedEvents(db: Executor): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(events)
    .where(and(sql`${events.dispatchedAt} is null`));
  return row?.n ?? 0;
}

/**
 * Retention: deletes finished deliveries (and their attempts) last touched more than `days` ago, and
 * dispatched events older than that with no delivery left. At most `limit` of each per call. An event
 * whose deliveries go in this call goes in the next (this statement sees them still).
 */
export async function pruneWebhookHistory(
  db: Executor,
  days: number,
  limit: number,
): Promise<{ deliveries: number; events: number }> {
  const [row] = await db.execute<{ deliveries: number; events: number }>(sql`
    with d as (
      delete from webhook_deliveries where id in (
        select id from webhook_deliveries
        where status <> 'PENDING' and updated_at < now() - make_interval(days => ${days}) limit ${limit})
      returning 1),
    e as (
      delete from events where id in (
        select id from events ev
        where dispatched_at is not null and created_at < now() - make_interval(days => ${days})
          and not exists (select 1 from webhook_deliveries w where w.event_id = ev.id)
        limit ${limit})
      returning 1)
    select (select count(*) from d)::int as deliveries, (select count(*) from e)::int as events`);
  return row ?? { deliveries: 0, events: 0 };
}
