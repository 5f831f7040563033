import { sql } from "drizzle-orm";
import type { Executor } from "../client";
import { events } from "../schema";

/**
 * Writes an event to the outbox. Call inside the transaction that makes the change: the event
 * commits with it or not at all (the webhook dispatcher only ever sees committed changes).
 */
export async function insertEvent(
  tx: Executor,
  event: { type: string; data: unknown; dispatched?: boolean },
): Promise<string> {
  const [row] = await tx
    .insert(events)
    .values({ type: event.type, data: event.data, dispatchedAt: event.dispatched ? sql`now()` : null })
    .returning({ id: events.id });
  return row!.id;
}
