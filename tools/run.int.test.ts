import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort } from "./free-port";

// `npm start` (tools/run.ts start) against a DATABASE_URL it cannot use: it must stop at once, non-zero,
// and say which server and why. (The runner's tests that need the production build are in
// e2e/production-server.spec.ts.)

const ROOT = path.resolve(import.meta.dirname, "..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");
let dataDir: string;

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "coupon-run-"));
});

afterAll(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

function runStart(databaseUrl: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ["tools/run.ts", "start", "--skip-build", "--port", "1", "--data-dir", dataDir], {
      cwd: ROOT,
      // An external Redis URL that is never reached: no redis-server is started for this.
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9",
        UPSTASH_REDIS_REST_TOKEN: "unused",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, output }));
  });
}

describe("npm start with a DATABASE_URL it cannot use", () => {
  it("nothing listens there: exits 1 naming host, port and 'connection refused'", async () => {
    const port = await findFreePort();
    const { code, output } = await runStart(`postgres://app:pw@127.0.0.1:${port}/shop`);
    expect(code).toBe(1);
    expect(output).toContain(`127.0.0.1:${port}`);
    expect(output).toMatch(/connection refused/i);
  });

  it("a wrong password: exits 1 naming host, port and 'authentication failed'", async () => {
    const url = new URL(process.env.DATABASE_URL!);
    url.password = "wrong-password";
    const { code, output } = await runStart(url.href);
    expect(code).toBe(1);
    expect(output).toContain(`${url.hostname}:${url.port}`);
    expect(output).toMatch(/authentication failed/i);
    expect(output).not.toContain("wrong-password");
  });
});
