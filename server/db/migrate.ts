import path from "node:path";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { createDatabase } from "./client";
import { describeConnectionError } from "./describe-connection-error";

export const MIGRATIONS_FOLDER = path.join(process.cwd(), "drizzle");

/**
 * Applies the committed migrations in drizzle/ (idempotent; serialised by drizzle's lock table). It is
 * the first thing to reach the database at start, so its error names the server and the cause.
 */
export async function migrateDatabase(url: string): Promise<void> {
  const { db, sql } = createDatabase(url, { max: 1 });
  try {
    await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  } catch (error) {
    throw new Error(describeConnectionError(error, url), { cause: error });
  } finally {
    await sql.end({ timeout: 5 });
  }
}
