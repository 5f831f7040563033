import type PgBoss from "pg-boss";
import { env } from "@/server/env";
import { deliverWebhook } from "./deliver-webhook";
import { dispatchWebhookEvents } from "./dispatch-webhook-events";
import { pruneWebhookHistory } from "./prune-webhook-history";
import { WEBHOOK_DELIVERY_QUEUE, type WebhookJobData } from "./enqueue-webhook-deliveries";

export const WEBHOOK_DISPATCH_QUEUE = "webhook-dispatch";
export const WEBHOOK_PRUNE_QUEUE = "webhook-prune";
const PRUNE_EVERY_SECONDS = 3_600;
/** Deliveries in flight at once per process (each waits on a receiver, up to WEBHOOK_TIMEOUT_SECONDS). */
const DELIVERY_WORKERS = 4;

/** Thrown to pg-boss so it retries the job with back-off. */
class DeliveryFailedError extends Error {
  override name = "DeliveryFailedError";
}

/**
 * On a started pg-boss: the outbox dispatcher (offered every WEBHOOK_DISPATCH_INTERVAL_SECONDS; the
 * singleton window keeps it to one run per interval across instances), the delivery workers and the
 * hourly retention. A
 * failed attempt throws, so pg-boss retries it (retryLimit/retryDelay/retryBackoff of the job); the
 * last try records the delivery FAILED. Returns a function that stops offering dispatch runs.
 */
export async function startWebhookWorkers(boss: PgBoss, opts: { dispatchEverySeconds?: number } = {}) {
  const interval = opts.dispatchEverySeconds ?? env().WEBHOOK_DISPATCH_INTERVAL_SECONDS;
  await boss.createQueue(WEBHOOK_DISPATCH_QUEUE);
  await boss.work(WEBHOOK_DISPATCH_QUEUE, { pollingIntervalSeconds: 1 }, async () => {
    await dispatchWebhookEvents();
  });
  await boss.createQueue(WEBHOOK_DELIVERY_QUEUE);
  for (let i = 0; i < DELIVERY_WORKERS; i++)
    await boss.work<WebhookJobData>(
      WEBHOOK_DELIVERY_QUEUE,
      { pollingIntervalSeconds: 1, batchSize: 1, includeMetadata: true },
      async ([job]) => {
        if (!job) return;
        const outcome = await deliverWebhook({
          deliveryId: job.data.deliveryId,
          replay: job.data.replay,
          finalAttempt: job.retryCount >= job.retryLimit,
        });
        if (outcome.kind === "sent" && !outcome.ok)
          throw new DeliveryFailedError(`attempt ${outcome.attempt}: ${outcome.error ?? "failed"}`);
      },
    );
  // Retention (WEBHOOK_RETENTION_DAYS), once an hour across instances.
  await boss.createQueue(WEBHOOK_PRUNE_QUEUE);
  await boss.work(WEBHOOK_PRUNE_QUEUE, async () => {
    await pruneWebhookHistory();
  });
  const offer = (queue: string, seconds: number) => () =>
    boss
      .send(queue, {}, { singletonKey: queue, singletonSeconds: seconds })
      .catch((error) => console.error("[jobs] schedule:", error));
  const offerDispatch = offer(WEBHOOK_DISPATCH_QUEUE, interval);
  const offerPrune = offer(WEBHOOK_PRUNE_QUEUE, PRUNE_EVERY_SECONDS);
  await offerDispatch();
  await offerPrune();
  const timers = [
    setInterval(offerDispatch, interval * 1000).unref(),
    setInterval(offerPrune, PRUNE_EVERY_SECONDS * 1000).unref(),
  ];
  return () => timers.forEach(clearInterval);
}
