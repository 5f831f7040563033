import { sql } from "drizzle-orm";
import type { Executor } from "../client";

/** Bounds every statement of this transaction (the gate's write deadline). */
export async function setLocalStatementTimeout(tx: Executor, ms: number): Promise<void> {
  await tx.execute(sql.raw(`set local statement_timeout = ${Math.max(1, Math.floor(ms))}`));
}
