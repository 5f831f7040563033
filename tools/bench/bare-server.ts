/**
 * The baseline of `npm run bench:validate`: the same validateCheckout service
 * behind a bare node:http handler, no Next, no tRPC, no superjson, no session.
 * The gap to `next start` is the framework's cost.
 *
 *   tsx tools/bench/bare-server.ts --port N      (env: what startLocalServices returns)
 *
 * POST /validate {codes, cart} -> 200 with the quote as JSON. Anything else -> 404.
 */
import http from "node:http";
import { z } from "zod";
import { Cart, EnteredCodes } from "@/server/domain/schemas";
import { DomainError } from "@/server/services/errors";
import { validateCheckout } from "@/server/services/validate-checkout";
import { BARE_PATH } from "./scenario";
import { parsePortArgs, readBody, send } from "./bare-http";

// The router's input schema (server/api/routers/checkout.ts) minus the API-key customer:
// the same validation work as the tRPC path, so the ratio measures the framework, not zod.
const validateInput = z.object({ codes: EnteredCodes, cart: Cart });

const { port, host } = parsePortArgs("usage: tsx tools/bench/bare-server.ts --port N [--host 127.0.0.1]");

async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (req.method !== "POST" || req.url !== BARE_PATH) return send(res, 404, { error: "not found" });
  let input: z.infer<typeof validateInput>;
  try {
    const parsed = validateInput.safeParse(JSON.parse(await readBody(req)));
    if (!parsed.success) return send(res, 400, { error: z.flattenError(parsed.error) });
    input = parsed.data;
  } catch (error) {
    return send(res, 400, { error: error instanceof Error ? error.message : "bad request" });
  }
  // Same client address rule as server/api/trpc.ts: the first x-forwarded-for hop, else the socket.
  const ip =
    String(req.headers["x-forwarded-for"] ?? "")
      .split(",")[0]
      ?.trim() ||
    req.socket.remoteAddress ||
    "unknown";
  try {
    send(res, 200, await validateCheckout(input, { customer: null, ip }));
  } catch (error) {
    if (error instanceof DomainError)
      return send(res, error.reason === "RATE_LIMITED" ? 429 : 422, { reason: error.reason, message: error.message });
    console.error("[bare-server]", error);
    send(res, 500, { error: "internal error" });
  }
}

const server = http.createServer((req, res) => void handle(req, res));
server.listen(port, host, () => console.log(`bare validate server on http://${host}:${port}${BARE_PATH}`));

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
