/**
 * The production server (`npm start` runs it after `next build`): two processes.
 *
 * - This one, without Next.js loaded: node:http on the public port. It answers the tRPC API
 *   (/api/trpc/*) itself with tRPC's node adapter (server/api/node-handler.ts: the same router,
 *   context and session cookie as the route handler) and passes every other request (pages, server
 *   actions, Auth.js, /api/health, /_next assets) to the Next child through a reverse proxy
 *   (http-proxy-3, with X-Forwarded-For/-Host/-Proto).
 * - A `next start` child on a loopback port picked at start, with the same environment: pages,
 *   Auth.js, instrumentation.ts (the background jobs run there).
 *
 * Why not one process: with Next.js in the process, its async-context hooks and patched fetch ride on
 * every checkout call (README, Benchmarks). If the Next child dies, this process exits too (with its
 * exit code), and the other way round.
 *
 *   node --max-semi-space-size=64 --conditions=react-server --import tsx tools/serve.ts [--port 3000] [--host 127.0.0.1]
 *
 * (tools/serve-command.ts builds that line and says why each flag.)
 */
import { fork } from "node:child_process";
import http from "node:http";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createProxyServer } from "http-proxy-3";
import { clientAddressOf, clientProtocolOf } from "@/server/api/client-address";
import { createNodeTrpcHandler, TRPC_BASE_PATH } from "@/server/api/node-handler";
import { findFreePort } from "./free-port";
import { waitForHttp } from "./wait-for-http";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const USAGE =
  "usage: node --max-semi-space-size=64 --conditions=react-server --import tsx tools/serve.ts [--port 3000] [--host 127.0.0.1]";
const NEXT_HOST = "127.0.0.1";
const NEXT_READY_TIMEOUT_MS = 120_000;

// The production server runs as production whatever the shell says: no stack trace in any answer,
// React's production build in the Next child. (Read lazily by server/env.ts, so this is in time.)
Object.assign(process.env, { NODE_ENV: "production" });

const { values } = parseArgs({
  options: {
    port: { type: "string", default: process.env.PORT ?? "3000" },
    host: { type: "string", default: "127.0.0.1" },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65_535) {
  console.error(USAGE);
  process.exit(2);
}

const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
const nextPort = await findFreePort(NEXT_HOST);
const nextOrigin = `http://${NEXT_HOST}:${nextPort}`;
// Forked (an IPC channel) with exit-with-parent.mjs preloaded: the child goes when this process goes,
// however it goes. PORT is the child's own port, as `next start` would have it.
const nextChild = fork(nextBin, ["start", "--port", String(nextPort), "--hostname", NEXT_HOST], {
  cwd: ROOT,
  env: { ...process.env, PORT: String(nextPort) },
  execArgv: ["--import", fileURLToPath(new URL("exit-with-parent.mjs", import.meta.url))],
  stdio: ["ignore", "inherit", "inherit", "ipc"],
});
let stopping = false;
nextChild.on("exit", (code, signal) => {
  if (stopping) return;
  console.error(`[serve] the Next.js server exited (${signal ?? code}); stopping`);
  process.exit(code ?? 1);
});

await waitForHttp(`${nextOrigin}/api/health`, NEXT_READY_TIMEOUT_MS, {
  gone: () => (nextChild.exitCode !== null || nextChild.signalCode !== null ? "the Next.js server exited" : undefined),
});

// X-Forwarded-* are written here, not appended (xfwd would pass a client's forged X-Forwarded-For on):
// the Next child believes them, so they say what this process resolved from its socket and TRUST_PROXY.
const proxy = createProxyServer({ target: nextOrigin, xfwd: false, ws: true });
proxy.on("error", (error, _req, res) => {
  console.error("[serve] proxy error:", error.message);
  if (res instanceof http.ServerResponse && !res.headersSent) {
    res.writeHead(502, { "content-type": "application/json" });
    res.end(JSON.stringify({ code: "BAD_GATEWAY", message: "The page server did not answer; retry shortly." }));
  } else res.destroy();
});
const handleTrpc = createNodeTrpcHandler();

function setForwardedHeaders(req: http.IncomingMessage): void {
  req.headers["x-forwarded-for"] = clientAddressOf(req);
  req.headers["x-forwarded-proto"] = clientProtocolOf(req);
  req.headers["x-forwarded-host"] = req.headers.host ?? "";
  delete req.headers["x-real-ip"];
  delete req.headers.forwarded;
}

const server = http.createServer((req, res) => {
  if (req.url?.startsWith(TRPC_BASE_PATH)) return handleTrpc(req, res);
  setForwardedHeaders(req);
  proxy.web(req, res);
});
server.on("upgrade", (req, socket, head) => {
  setForwardedHeaders(req);
  proxy.ws(req, socket, head);
});
server.listen(port, values.host, () =>
  console.log(`> ready on http://${values.host}:${port} (tRPC on node:http; pages by Next.js on ${nextOrigin})`),
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    stopping = true;
    server.close();
    nextChild.once("exit", () => process.exit(0));
    nextChild.kill("SIGTERM");
  });
}
