/**
 * `npm run user:create -- --email you@example.com --role admin [--name "Your Name"]`: creates an account,
 * e.g. the first admin of a production database (which gets no demo accounts). The password is read
 * from a prompt (typed twice, not echoed) or, when stdin is not a terminal, from its first line; never
 * from the command line, where it would land in the shell history and the process list.
 *
 * Uses DATABASE_URL when set, else the embedded Postgres of a running `npm run dev`, else starts it just for this.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { parseArgs } from "node:util";
import { ROLES, type Role } from "@/server/auth/roles";
import { createDatabase } from "@/server/db/client";
import { migrateDatabase } from "@/server/db/migrate";
import { createUser } from "@/server/services/create-user";
import { defaultDataDir } from "./data-dir";
import { startLocalServices } from "./local-services";

const USAGE = `usage: npm run user:create -- --email EMAIL --role ${ROLES.join("|")} [--name NAME]   (password: prompted, or on stdin)`;

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

function parse() {
  // A password on the command line is refused before anything else: it would already be in the shell history.
  if (process.argv.some((arg) => /^--pass(word)?(=|$)/.test(arg)))
    fail("The password is never taken from the command line: leave --password out; you will be asked for it.");
  try {
    const { values } = parseArgs({
      options: { email: { type: "string" }, role: { type: "string" }, name: { type: "string" } },
      strict: true,
    });
    if (!values.email || !values.role) fail(USAGE);
    if (!(ROLES as readonly string[]).includes(values.role)) fail(`--role must be one of ${ROLES.join(", ")}`);
    return { email: values.email, role: values.role as Role, name: values.name };
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
}

/** One line typed at a prompt, not echoed. */
function askHidden(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      process.stdout.write("\n");
      resolve(answer);
    });
    muted = true;
  });
}

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) {
    const first = await askHidden("Password: ");
    const second = await askHidden("Password again: ");
    if (first !== second) fail("The two passwords differ; nothing was created.");
    return first;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "";
}

function runningDatabaseUrl(dataDir: string): string | undefined {
  const file = path.join(dataDir, "running.json");
  if (!existsSync(file)) return undefined;
  const running = JSON.parse(readFileSync(file, "utf8")) as { pid: number; env: Record<string, string> };
  try {
    process.kill(running.pid, 0);
    return running.env.DATABASE_URL;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const args = parse();
  const password = await readPassword();
  const dataDir = path.resolve(process.env.DATA_DIR ?? defaultDataDir());
  let url = process.env.DATABASE_URL || runningDatabaseUrl(dataDir);
  let stop = async () => {};
  if (!url) {
    const services = await startLocalServices({ dataDir });
    url = services.env.DATABASE_URL!;
    stop = services.stop;
  } else {
    await migrateDatabase(url);
  }
  const { db, sql } = createDatabase(url, { max: 1 });
  try {
    const user = await createUser(db, { ...args, password });
    console.log(`created ${user.role} ${user.email}`);
  } finally {
    await sql.end({ timeout: 5 });
    await stop();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
