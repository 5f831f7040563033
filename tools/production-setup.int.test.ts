// A production start against an empty external Postgres: no demo account, no sample coupon, and the
// first admin is made with `npm run user:create` (password from stdin, never argv). SEED_DEMO=1 opts in.

import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { verifyPassword } from "@/server/auth/password";
import { env } from "@/server/env";
import { startLocalServices } from "./local-services";
import { DEMO_ACCOUNTS, DEMO_BOOK, DEMO_COUPONS, DEMO_PRODUCTS } from "@/server/db/demo-data";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const RUN = Math.random().toString(36).slice(2, 8);
const created: string[] = [];
const dirs: string[] = [];

/** A new, empty database on the test run's Postgres: what an operator's DATABASE_URL points at on day one. */
async function emptyDatabase(name: string): Promise<string> {
  const admin = postgres(env().DATABASE_URL, { max: 1, onnotice: () => {} });
  const database = `prod_${name}_${RUN}`;
  await admin.unsafe(`create database ${database}`);
  await admin.end();
  created.push(database);
  const url = new URL(env().DATABASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function startAgainst(url: string, extra: Record<string, string> = {}) {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "coupon-prod-"));
  dirs.push(dataDir);
  return startLocalServices({
    dataDir,
    sourceEnv: {
      DATABASE_URL: url,
      // The run's own Redis bridge: no second redis-server for this.
      UPSTASH_REDIS_REST_URL: env().UPSTASH_REDIS_REST_URL,
      UPSTASH_REDIS_REST_TOKEN: env().UPSTASH_REDIS_REST_TOKEN,
      ...extra,
    },
  });
}

async function counts(url: string) {
  const sql = postgres(url, { max: 1 });
  try {
    const [row] = await sql<Array<{ users: number; coupons: number; codes: number; products: number }>>`
      select (select count(*)::int from users) as users, (select count(*)::int from coupons) as coupons,
        (select count(*)::int from codes) as codes, (select count(*)::int from products) as products`;
    return row!;
  } finally {
    await sql.end();
  }
}

function userCreate(args: string[], opts: { url: string; stdin: string }) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "tools/user-create.ts", ...args], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        NODE_ENV: "production",
        DATABASE_URL: opts.url,
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.stdin);
  });
}

afterAll(async () => {
  const admin = postgres(env().DATABASE_URL, { max: 1, onnotice: () => {} });
  for (const database of created) await admin.unsafe(`drop database if exists ${database} with (force)`);
  await admin.end();
  for (const dir of dirs) await fs.rm(dir, { recursive: true, force: true });
});

describe("a production database", () => {
  it("gets no demo account or sample coupon; the first admin comes from npm run user:create", async () => {
    const url = await emptyDatabase("plain");
    const services = await startAgainst(url);
    await services.stop();
    expect(services.postgresMode).toBe("external");
    expect(services.demoSeeded).toBe(false);
    // The app is told, so /sign-in shows no demo accounts.
    expect(services.env.SEED_DEMO).toBe("0");
    expect(await counts(url)).toMatchObject({ users: 0, coupons: 0, codes: 0 });

    // A password on the command line is refused before anything is done.
    const onArgv = await userCreate(
      ["--email", "first@prod.example", "--role", "admin", "--password", "on-the-command-line"],
      { url, stdin: "" },
    );
    expect(onArgv.code).toBe(2);
    expect(onArgv.stderr).toMatch(/never taken from the command line/);
    expect((await counts(url)).users).toBe(0);

    const tooShort = await userCreate(["--email", "first@prod.example", "--role", "admin"], { url, stdin: "short\n" });
    expect(tooShort.code).toBe(1);
    expect(tooShort.stderr).toMatch(/at least 12 characters/);
    expect((await counts(url)).users).toBe(0);

    const password = "a long production passphrase";
    const made = await userCreate(["--email", "First@Prod.example", "--role", "admin", "--name", "First Admin"], {
      url,
      stdin: `${password}\n`,
    });
    expect(made.stderr).toBe("");
    expect(made.code).toBe(0);
    expect(made.stdout).toContain("created admin first@prod.example");
    expect(made.stdout + made.stderr).not.toContain(password);

    const sql = postgres(url, { max: 1 });
    try {
      const [user] = await sql<Array<{ role: string; password_hash: string; name: string }>>`
        select role, password_hash, name from users where email = 'first@prod.example'`;
      expect(user).toMatchObject({ role: "admin", name: "First Admin" });
      expect(user!.password_hash).toMatch(/^\$argon2id\$/);
      expect(await verifyPassword(user!.password_hash, password)).toBe(true);
    } finally {
      await sql.end();
    }

    // The same email again is refused, not duplicated.
    const again = await userCreate(["--email", "first@prod.example", "--role", "viewer"], {
      url,
      stdin: `${password}\n`,
    });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    expect((await counts(url)).users).toBe(1);
  });

  it("gets the demo accounts and coupons with SEED_DEMO=1", async () => {
    const url = await emptyDatabase("demo");
    const services = await startAgainst(url, { SEED_DEMO: "1" });
    await services.stop();
    expect(services.demoSeeded).toBe(true);
    expect(services.env.SEED_DEMO).toBe("1");
    // The sample coupons with one shared code each, and the wallet coupon with one code per shopper.
    const shoppers = DEMO_ACCOUNTS.filter((a) => a.role === "shopper").length;
    expect(await counts(url)).toMatchObject({
      users: DEMO_ACCOUNTS.length,
      // + the wallet coupon (one code per shopper) and the claimable book's coupon (its codes)
      coupons: DEMO_COUPONS.length + 2,
      codes: DEMO_COUPONS.length + shoppers + DEMO_BOOK.codes,
      products: DEMO_PRODUCTS.length,
    });
  });
});
