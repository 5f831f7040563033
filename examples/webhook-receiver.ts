/**
 * A webhook receiver for CouponForge events, in plain Node (node:http) and `standardwebhooks`.
 *
 *   WEBHOOK_SECRET=whsec_... PORT=4000 npx tsx examples/webhook-receiver.ts
 *
 * Register http://<host>:4000/webhooks in the admin (/admin/webhooks) with the events you want.
 * It verifies every request's signature (webhook-id, webhook-timestamp, webhook-signature: HMAC-SHA256
 * with the endpoint's secret; timestamps older or newer than 5 minutes are refused), answers 2xx
 * quickly, and handles each event once: deliveries are at-least-once, retries and replays carry the
 * same webhook-id, so a receiver dedupes on it (here in memory; use your database in production).
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import { pathToFileURL } from "node:url";
import { Webhook, WebhookVerificationError } from "standardwebhooks";

/** The JSON body of every webhook. */
export type CouponForgeEvent = {
  id: string;
  type:
    | "coupon.created"
    | "coupon.updated"
    | "coupon.disabled"
    | "code.redeemed"
    | "redemption.voided"
    | "job.finished"
    | "webhook.test";
  timestamp: string;
  data: Record<string, unknown>;
};

const MAX_BODY_BYTES = 1_000_000;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(new Error("body too large"));
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** An HTTP server that verifies CouponForge webhooks and passes each new event to `onEvent` once. */
export function createWebhookReceiver(options: {
  secret: string;
  onEvent: (event: CouponForgeEvent) => void | Promise<void>;
}): Server {
  const webhook = new Webhook(options.secret);
  const seen = new Set<string>();
  return createServer(async (req, res) => {
    if (req.method !== "POST" || req.url !== "/webhooks") {
      res.writeHead(404).end();
      return;
    }
    try {
      // Verify the raw body exactly as received: re-serialised JSON would not match the signature.
      const body = await readBody(req);
      const event = webhook.verify(body, {
        "webhook-id": String(req.headers["webhook-id"] ?? ""),
        "webhook-timestamp": String(req.headers["webhook-timestamp"] ?? ""),
        "webhook-signature": String(req.headers["webhook-signature"] ?? ""),
      }) as CouponForgeEvent;
      if (!seen.has(event.id)) {
        await options.onEvent(event);
        seen.add(event.id);
      }
      res.writeHead(204).end();
    } catch (error) {
      const refused = error instanceof WebhookVerificationError;
      res.writeHead(refused ? 400 : 500, { "content-type": "text/plain" }).end(refused ? "bad signature" : "error");
    }
  });
}

// Run directly: listen on PORT (0 = any free port) and print each event as one JSON line.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const secret = process.env.WEBHOOK_SECRET;
  if (!secret?.startsWith("whsec_")) {
    console.error("Set WEBHOOK_SECRET to the endpoint's signing secret (whsec_...).");
    process.exit(1);
  }
  const server = createWebhookReceiver({
    secret,
    onEvent: (event) => console.log(JSON.stringify({ received: event.id, type: event.type, data: event.data })),
  });
  server.listen(Number(process.env.PORT ?? 4000), process.env.HOST ?? "127.0.0.1", () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    console.log(`listening on http://127.0.0.1:${port}/webhooks`);
  });
}
