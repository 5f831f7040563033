/**
 * `npm run db:migrate` / `npm run db:seed`. Uses DATABASE_URL when set, else the
 * embedded Postgres of a running `npm run dev`, else starts it just for this.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { createDatabase } from "@/server/db/client";
import { migrateDatabase } from "@/server/db/migrate";
import { seedDatabase } from "@/server/db/seed";
import { defaultDataDir } from "./data-dir";
import { seedSecretsFrom, startLocalServices, wantsDemoSeed } from "./local-services";

const task = process.argv[2];
const dataDir = path.resolve(process.env.DATA_DIR ?? defaultDataDir());

function runningEnv(): Record<string, string> | undefined {
  const file = path.join(dataDir, "running.json");
  if (!existsSync(file)) return undefined;
  const running = JSON.parse(readFileSync(file, "utf8")) as { pid: number; env: Record<string, string> };
  try {
    process.kill(running.pid, 0);
    return running.env;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  if (task !== "migrate" && task !== "seed") throw new Error("usage: tsx tools/db-task.ts migrate|seed");
  const running = runningEnv();
  const url = process.env.DATABASE_URL ?? running?.DATABASE_URL;
  if (!url) {
    // startLocalServices migrates and seeds on its own.
    const services = await startLocalServices({ dataDir, seed: task === "seed" });
    await services.stop();
    console.log(`${task}: done (embedded Postgres in ${dataDir})`);
    return;
  }
  await migrateDatabase(url);
  if (task === "seed") {
    const { db, sql } = createDatabase(url, { max: 2 });
    // Sample codes need the code keys: the environment's, else the running dev server's.
    // A configured database gets the demo accounts and coupons only when asked for; the running dev server's embedded one always.
    const demo = running?.DATABASE_URL === url || wantsDemoSeed(process.env);
    const counts = await seedDatabase(db, { demo, secrets: seedSecretsFrom({ ...running, ...process.env }) }).finally(
      () => sql.end({ timeout: 5 }),
    );
    console.log(
      `seed: ${counts.users} users, ${counts.products} products${demo ? "" : " (no demo accounts or coupons: set SEED_DEMO=1 for them)"}`,
    );
  } else {
    console.log("migrate: done");
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
