import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { getDb } from "@/server/db/client";
import { insertEvent } from "@/server/db/queries/events";
import { insertDelivery, markDeliveriesEnqueued } from "@/server/db/queries/webhooks";

export type Received = { headers: IncomingHttpHeaders; body: string; at: number };

/**
 * For tests: a real HTTP receiver on 127.0.0.1. `answer` decides each request's status (default 200);
 * every request is kept, in arrival order.
 */
export async function startReceiver(answer: (request: Received) => number = () => 200) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request = { headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() };
      received.push(request);
      res.statusCode = answer(request);
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    /** Requests whose body is the event with this id. */
    of: (eventId: string) => received.filter((r) => r.headers["webhook-id"] === eventId),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * For tests: an event and its delivery to one endpoint, already marked dispatched and enqueued, so no
 * dispatcher (of this or another test process) hands it to pg-boss: the test decides how it is sent.
 */
export async function makeDelivery(endpointId: string, type = "webhook.test", data: unknown = { test: true }) {
  return getDb().transaction(async (tx) => {
    const eventId = await insertEvent(tx, { type, data, dispatched: true });
    const delivery = await insertDelivery(tx, { eventId, endpointId });
    await markDeliveriesEnqueued(tx, [delivery.id]);
    return { eventId, deliveryId: delivery.id };
  });
}

/** The outbox's events of a type whose data names this value under this key. */
export async function eventsWhere(type: string, key: string, value: string) {
  return getDb().execute<{ id: string; type: string; data: Record<string, unknown>; dispatched: boolean }>(sql`
    select id, type, data, dispatched_at is not null as dispatched from events
    where type = ${type} and data->>${key} = ${value} order by created_at`);
}
