/**
 * `npm run dev` / `npm start`: starts the local services (embedded Postgres,
 * redis-server + Upstash REST bridge), migrates and seeds, then runs Next with
 * their URLs, prints one ready line, and on Ctrl-C stops every child.
 *
 *   tsx tools/run.ts dev|start [--port 3000] [--data-dir .data] [--fresh] [--skip-build]
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { serveNodeArgs } from "./serve-command";
import { DEMO_ACCOUNTS } from "@/server/db/demo-data";
import { startLocalServices } from "./local-services";
import { waitForHttp } from "./wait-for-http";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: "string" },
    "data-dir": { type: "string", default: ".data" },
    fresh: { type: "boolean", default: false },
    "skip-build": { type: "boolean", default: false },
    verbose: { type: "boolean", default: false },
  },
});

function parseMode(value: string | undefined): "dev" | "start" {
  if (value === "dev" || value === "start") return value;
  console.error("usage: tsx tools/run.ts dev|start [--port N] [--data-dir DIR] [--fresh] [--skip-build]");
  process.exit(2);
}
const mode = parseMode(positionals[0]);
const port = Number(values.port ?? process.env.PORT ?? 3000);
const dataDir = path.resolve(values["data-dir"]);
const log = values.verbose ? (line: string) => console.log(line) : () => {};
const nextBin = path.join(process.cwd(), "node_modules", "next", "dist", "bin", "next");

async function main(): Promise<void> {
  const services = await startLocalServices({ dataDir, fresh: values.fresh, log });
  if (services.redisMode === "off") {
    console.warn(
      "⚠ Redis is off: redis-server is not installed (apt-get install redis-server) and UPSTASH_REDIS_REST_URL is not set.\n" +
        "  The app runs with the Postgres-only coupon gate, an in-process rate limiter and no rule cache.",
    );
  }
  // Lets `npm run db:migrate` / `db:seed` reach the running services.
  writeFileSync(path.join(dataDir, "running.json"), JSON.stringify({ pid: process.pid, env: services.env }), {
    mode: 0o600,
  });

  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    ...services.env,
    NODE_ENV: mode === "dev" ? "development" : "production",
    AUTH_TRUST_HOST: "true",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(port),
  };

  const children: { next?: ChildProcess } = {};
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    const next = children.next;
    if (next && next.exitCode === null) {
      next.kill("SIGTERM");
      await new Promise((resolve) => {
        const timer = setTimeout(() => {
          next?.kill("SIGKILL");
          resolve(undefined);
        }, 5_000);
        next.once("exit", () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
    }
    await services.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  if (mode === "start" && !values["skip-build"]) {
    console.log("building the production bundle (next build)…");
    const build = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit", env: childEnv });
    if (build.status !== 0) {
      console.error("next build failed");
      await shutdown(build.status ?? 1);
      return;
    }
  }

  // dev: `next dev`. start: the production server (tools/serve.ts): the build behind node:http, tRPC on node:http.
  const args =
    mode === "dev"
      ? [nextBin, "dev", "--port", String(port), "--hostname", "127.0.0.1"]
      : serveNodeArgs(port, "127.0.0.1");
  const child = spawn(process.execPath, args, {
    env: childEnv,
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.next = child;
  child.stdout?.on("data", (chunk: Buffer) => {
    if (values.verbose || mode === "dev") process.stdout.write(chunk);
  });
  child.on("exit", (code) => {
    if (!stopping) void shutdown(code ?? 1);
  });

  await waitForHttp(`http://127.0.0.1:${port}/api/health`, 180_000, {
    gone: () => (child.exitCode !== null || child.signalCode !== null ? "the app server exited" : undefined),
  });
  const accounts = services.demoSeeded
    ? `demo accounts: ${DEMO_ACCOUNTS.map((a) => `${a.role} ${a.email} / ${a.password}`).join("; ")}`
    : "no demo accounts (create the first admin: npm run user:create -- --email you@example.com --role admin)";
  console.log(
    `✔ Ready (${mode}) on http://localhost:${port}  ·  Postgres ${services.postgresMode}, Redis ${services.redisMode}  ·  ${accounts}`,
  );
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
