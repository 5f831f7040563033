/**
 * The production server (`npm start` runs it after `next build`): the built Next.js app behind
 * node:http, with the tRPC API (/api/trpc/*) answered by tRPC's node adapter in the same process
 * (server/api/node-handler.ts) instead of Next's route handler: same router, same session cookie, same
 * answers, about half the CPU per checkout call (npm run bench:redeem). Everything else (pages, server
 * actions, Auth.js, /api/health) is Next's. `next dev` keeps serving the API through the route handler.
 *
 *   node --conditions=react-server --import tsx tools/serve.ts [--port 3000] [--host 127.0.0.1]
 *
 * --conditions=react-server: server modules import "server-only", which resolves to a no-op only
 * under that condition (as in Next's own server bundles).
 */
import http from "node:http";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import next from "next";
import { createNodeTrpcHandler, TRPC_BASE_PATH } from "@/server/api/node-handler";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const USAGE = "usage: node --conditions=react-server --import tsx tools/serve.ts [--port 3000] [--host 127.0.0.1]";

const { values } = parseArgs({ options: { port: { type: "string", default: process.env.PORT ?? "3000" }, host: { type: "string", default: "127.0.0.1" } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65_535) {
  console.error(USAGE);
  process.exit(2);
}

const app = next({ dev: false, dir: ROOT, hostname: values.host, port });
const handleNext = app.getRequestHandler();
await app.prepare();
const handleTrpc = createNodeTrpcHandler();

const server = http.createServer((req, res) => {
  if (req.url?.startsWith(TRPC_BASE_PATH)) handleTrpc(req, res);
  else void handleNext(req, res);
});
server.listen(port, values.host, () => console.log(`> ready on http://${values.host}:${port} (Next.js production build; tRPC on node:http)`));

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    server.close();
    void app.close().finally(() => process.exit(0));
  });
}
