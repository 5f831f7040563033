import { randomUUID } from "node:crypto";
import PgBoss from "pg-boss";
import { getDb } from "@/server/db/client";
import { toPgBossDb } from "@/server/db/pg-boss-db";
import { markDeliveriesEnqueued } from "@/server/db/queries/webhooks";
import { env } from "@/server/env";

/** The pg-boss queue of webhook deliveries (worker: start-background-jobs.ts, handler: deliver-webhook.ts). */
export const WEBHOOK_DELIVERY_QUEUE = "webhook-deliveries";

export type WebhookJobData = { deliveryId: string; replay?: boolean };

const globalForSender = globalThis as unknown as { webhookJobSender?: PgBoss };

/**
 * Hands deliveries to pg-boss, retried with exponential back-off (WEBHOOK_RETRY_*). A first delivery's
 * job has the delivery's own id: pg-boss ignores a second insert of an id, so a delivery is enqueued
 * once however often this runs (e.g. after a crash between the insert and the mark). A replay is a
 * new job (a fresh id) of the same delivery: the same webhook-id goes out again.
 */
export async function enqueueWebhookDeliveries(deliveryIds: string[], opts: { replay?: boolean } = {}): Promise<void> {
  if (deliveryIds.length === 0) return;
  // Never started: it only inserts jobs through our pool (pg-boss's `db` option).
  globalForSender.webhookJobSender ??= new PgBoss({ db: toPgBossDb(getDb()), schema: "pgboss" });
  const { WEBHOOK_RETRY_LIMIT, WEBHOOK_RETRY_DELAY_SECONDS, WEBHOOK_TIMEOUT_SECONDS } = env();
  await globalForSender.webhookJobSender.insert(
    deliveryIds.map((deliveryId) => ({
      id: opts.replay ? randomUUID() : deliveryId,
      name: WEBHOOK_DELIVERY_QUEUE,
      data: { deliveryId, replay: opts.replay ?? false } satisfies WebhookJobData,
      retryLimit: WEBHOOK_RETRY_LIMIT,
      retryDelay: WEBHOOK_RETRY_DELAY_SECONDS,
      retryBackoff: true,
      expireInSeconds: WEBHOOK_TIMEOUT_SECONDS + 60,
    })),
  );
  await markDeliveriesEnqueued(getDb(), deliveryIds);
}
