import { getDb } from "@/server/db/client";
import { fanOutEvents, listUnenqueuedDeliveries } from "@/server/db/queries/webhooks";
import { enqueueWebhookDeliveries } from "./enqueue-webhook-deliveries";

const BATCH = 500;
/** One run does a bounded amount of work; the next run (a few seconds later) takes the rest. */
const MAX_ROUNDS = 20;

/**
 * The outbox's dispatcher (pg-boss, every WEBHOOK_DISPATCH_INTERVAL_SECONDS): fans committed events out
 * to the enabled endpoints subscribed to them (one delivery per event and endpoint), then hands every
 * delivery not yet enqueued to the delivery queue. Safe to run in several processes at once.
 */
export async function dispatchWebhookEvents(): Promise<{ events: number; deliveries: number; enqueued: number }> {
  const db = getDb();
  const totals = { events: 0, deliveries: 0, enqueued: 0 };
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const fanned = await fanOutEvents(db, BATCH);
    totals.events += fanned.events;
    totals.deliveries += fanned.deliveries;
    if (fanned.events < BATCH) break;
  }
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const pending = await listUnenqueuedDeliveries(db, BATCH);
    await enqueueWebhookDeliveries(pending.map((d) => d.id));
    totals.enqueued += pending.length;
    if (pending.length < BATCH) break;
  }
  return totals;
}
