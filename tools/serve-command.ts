import { fileURLToPath } from "node:url";

const SERVE_SCRIPT = fileURLToPath(new URL("serve.ts", import.meta.url));

/** The production server's young generation size (below); the benchmark's bare server gets the same. */
export const YOUNG_GENERATION_FLAG = "--max-semi-space-size=64";

/**
 * The node arguments that run the production server (tools/serve.ts) on host:port; `npm start` and the
 * benchmarks use the same ones.
 *
 * --max-semi-space-size=64 (MiB): a checkout call allocates many short-lived objects; the default young
 *   generation filled up every few hundred calls, and scavenges took 15 % of the process's CPU at
 *   full load. With 64 MiB they take about half of that (npm run bench:redeem: +8 % redemptions/s).
 * --conditions=react-server: server modules import "server-only", which resolves to a no-op only under
 *   that condition (as in Next's own server bundles).
 */
export function serveNodeArgs(port: number, host: string): string[] {
  return [
    YOUNG_GENERATION_FLAG,
    "--conditions=react-server",
    "--import",
    "tsx",
    SERVE_SCRIPT,
    "--port",
    String(port),
    "--host",
    host,
  ];
}
