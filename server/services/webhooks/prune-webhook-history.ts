import { getDb } from "@/server/db/client";
import { pruneWebhookHistory as pruneRows } from "@/server/db/queries/webhooks";
import { env } from "@/server/env";

const BATCH = 5_000;
const MAX_ROUNDS = 20;

/**
 * Retention of the outbox and the delivery log (pg-boss, hourly): events are kept WEBHOOK_RETENTION_DAYS
 * after they were sent, finished deliveries as long after their last attempt; pending ones stay.
 */
export async function pruneWebhookHistory(
  days = env().WEBHOOK_RETENTION_DAYS,
): Promise<{ deliveries: number; events: number }> {
  const totals = { deliveries: 0, events: 0 };
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const pruned = await pruneRows(getDb(), days, BATCH);
    totals.deliveries += pruned.deliveries;
    totals.events += pruned.events;
    if (pruned.deliveries === 0 && pruned.events === 0) break;
  }
  return totals;
}
