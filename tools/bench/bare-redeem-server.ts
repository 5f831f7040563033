/**
 * The baseline of `npm run bench:redeem`: the same redeemCheckout service behind a bare node:http handler,
 * no Next, no tRPC fetch adapter, no superjson, no Auth.js session: the gap to `next start` is the
 * framework's cost, and the gap between its two gates is the gates' own.
 *
 *   node --conditions=react-server --import tsx tools/bench/bare-redeem-server.ts --port N [--host 127.0.0.1]
 *   (env: as the `next start` of the same gate; without UPSTASH_REDIS_REST_* it runs the Postgres gate)
 *
 * --conditions=react-server: the router module (for its zod schema) imports "server-only", which throws
 * unless resolved the way Next resolves server code; nothing else this process loads has that condition.
 *
 * POST /redeem {codes, cart, orderId, idempotencyKey} with header x-customer-id (standing in for the
 * session): the input is validated with the router's own `redeemInput`, then
 * redeemCheckout(input, {customer: {id}, ip}) -> 200 with its result as JSON. A refusal
 * (CheckoutRejectedError) -> 409 {code: "CONFLICT", reason, message}; the other expected errors get the
 * status the app's tRPC error table gives them (e.g. 503 while the gate rebuilds); anything else -> 500.
 * GET /health -> the app's health check (as /api/health). Anything else -> 404.
 *
 * Unlike `next start` (instrumentation.ts) it starts no background jobs: they are off the request path.
 */
import http from "node:http";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { z } from "zod";
import { isExpectedError, toTRPCError } from "@/server/api/errors";
import { redeemInput } from "@/server/api/routers/checkout";
import { Customer } from "@/server/domain/schemas";
import { checkHealth } from "@/server/services/check-health";
import { CheckoutRejectedError, DomainError, isDatabaseUnavailable } from "@/server/services/errors";
import { redeemCheckout } from "@/server/services/redeem-checkout";
import { BARE_REDEEM_PATH, CUSTOMER_ID_HEADER } from "./redeem-scenario";
import { parsePortArgs, readBody, send } from "./bare-http";

const customerId = Customer.shape.id;

const { port, host } = parsePortArgs(
  "usage: node --conditions=react-server --import tsx tools/bench/bare-redeem-server.ts --port N [--host 127.0.0.1]",
);

/** Same client address rule as server/api/trpc.ts: the first x-forwarded-for hop, else x-real-ip. */
function clientIp(req: http.IncomingMessage): string {
  const forwarded = String(req.headers["x-forwarded-for"] ?? "")
    .split(",")[0]
    ?.trim();
  const realIp = req.headers["x-real-ip"];
  return forwarded || (typeof realIp === "string" && realIp) || "unknown";
}

async function redeem(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const customer = customerId.safeParse(req.headers[CUSTOMER_ID_HEADER]);
  if (!customer.success)
    return send(res, 401, { code: "UNAUTHORIZED", message: `Send the customer id in ${CUSTOMER_ID_HEADER}.` });
  let input: z.infer<typeof redeemInput>;
  try {
    const parsed = redeemInput.safeParse(JSON.parse(await readBody(req)));
    if (!parsed.success)
      return send(res, 400, { code: "BAD_REQUEST", message: "Invalid input", error: z.flattenError(parsed.error) });
    input = parsed.data;
  } catch (error) {
    return send(res, 400, { code: "BAD_REQUEST", message: error instanceof Error ? error.message : "bad request" });
  }
  try {
    send(res, 200, await redeemCheckout(input, { customer: { id: customer.data }, ip: clientIp(req) }));
  } catch (error) {
    if (error instanceof CheckoutRejectedError)
      return send(res, 409, { code: "CONFLICT", reason: error.reason, message: error.message });
    if (isExpectedError(error)) {
      const mapped = toTRPCError(error);
      return send(res, getHTTPStatusCodeFromError(mapped), {
        code: mapped.code,
        reason: error instanceof DomainError ? error.reason : undefined,
        message: mapped.message,
      });
    }
    if (isDatabaseUnavailable(error))
      return send(res, 503, {
        code: "SERVICE_UNAVAILABLE",
        message: "The database is unavailable; nothing was changed. Retry shortly.",
      });
    console.error("[bare-redeem-server] unexpected error", error);
    send(res, 500, { code: "INTERNAL_SERVER_ERROR", message: "Internal error" });
  }
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (req.method === "POST" && req.url === BARE_REDEEM_PATH) return redeem(req, res);
  if (req.method === "GET" && req.url === "/health") {
    const health = await checkHealth();
    return send(res, health.status === "down" ? 503 : 200, health);
  }
  send(res, 404, { code: "NOT_FOUND", message: "not found" });
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((error: unknown) => {
    console.error("[bare-redeem-server]", error);
    if (!res.headersSent) send(res, 500, { code: "INTERNAL_SERVER_ERROR", message: "Internal error" });
    else res.destroy();
  });
});
server.listen(port, host, () => console.log(`bare redeem server on http://${host}:${port}${BARE_REDEEM_PATH}`));

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
