import type postgres from "postgres";
import type { Database } from "../client";

/** One code ready for the table: its look-up HMAC and its encrypted display form (import: its line and text). */
export type SealedCode = { lookupHash: Buffer; codeEncrypted: Buffer; line?: number; value?: string };

export type BulkCodeTarget = {
  couponId: string;
  kind: "SHARED" | "UNIQUE";
  maxRedemptions: number | null;
  bookId: string | null;
  jobId: string | null;
};

/** A bulk job's connection, inside its transaction. */
export type BulkSql = postgres.TransactionSql;

/**
 * Runs `work` in one transaction on one connection of the pool: a bulk job's codes
 * appear together at commit, or not at all (cancel, crash, error).
 */
export function inBulkTransaction<T>(db: Database, work: (tx: BulkSql) => Promise<T>): Promise<T> {
  return db.$client.begin((tx) => work(tx)) as Promise<T>;
}

/** A per-transaction staging table: COPY lands here without indexes, the insert into codes dedups. */
export async function createCodeStaging(tx: BulkSql): Promise<void> {
  await tx`create temp table code_staging (line integer, lookup_hash bytea not null, code_encrypted bytea not null, value text) on commit drop`;
}

export async function clearCodeStaging(tx: BulkSql): Promise<void> {
  await tx`truncate code_staging`;
}

// COPY text format: bytea as \x<hex>, with the backslash itself escaped.
function copyLine(row: SealedCode): string {
  const value = row.value === undefined ? "\\N" : row.value; // import values are [A-Z0-9-] only: nothing to escape
  return `${row.line ?? "\\N"}\t\\\\x${row.lookupHash.toString("hex")}\t\\\\x${row.codeEncrypted.toString("hex")}\t${value}\n`;
}

/** Streams sealed codes into the staging table with COPY (no per-row statement). */
export async function copyIntoCodeStaging(tx: BulkSql, rows: Iterable<SealedCode>): Promise<void> {
  const writable = await tx`copy code_staging (line, lookup_hash, code_encrypted, value) from stdin`.writable();
  let text = "";
  for (const row of rows) {
    text += copyLine(row);
    if (text.length > 1 << 20) {
      if (!writable.write(text)) await new Promise((resolve) => writable.once("drain", resolve));
      text = "";
    }
  }
  await new Promise<void>((resolve, reject) => {
    writable.once("error", reject);
    writable.end(text, () => resolve());
  });
}

/**
 * COPYs sealed codes straight into `codes` under a savepoint: the fast path when a collision is
 * improbable. Returns false (and nothing of the chunk is kept) when the COPY failed (a look-up hash exists);
 * the caller then writes the chunk through the staging table with ON CONFLICT DO NOTHING.
 */
export async function copyIntoCodes(tx: BulkSql, rows: SealedCode[], target: BulkCodeTarget): Promise<boolean> {
  const tail = `\t${target.kind}\t${target.maxRedemptions ?? "\\N"}\t${target.bookId ?? "\\N"}\t${target.jobId ?? "\\N"}\n`;
  const head = `${target.couponId}\t\\\\x`;
  try {
    await tx.savepoint(async (sp) => {
      const writable =
        await sp`copy codes (coupon_id, lookup_hash, code_encrypted, kind, max_redemptions, book_id, job_id) from stdin`.writable();
      let text = "";
      for (const row of rows) {
        text += `${head}${row.lookupHash.toString("hex")}\t\\\\x${row.codeEncrypted.toString("hex")}${tail}`;
        if (text.length > 1 << 20) {
          if (!writable.write(text)) await new Promise((resolve) => writable.once("drain", resolve));
          text = "";
        }
      }
      await new Promise((resolve) => writable.write(text, resolve));
      writable.end();
      await new Promise((resolve) => setImmediate(resolve)); // lets the stream send CopyDone
      // postgres.js never reports a failed COPY FROM to the stream (its end callback just never
      // fires); a statement queued behind it does: it fails when the COPY failed.
      await sp`select 1`;
    });
    return true;
  } catch (error) {
    // The COPY failed (a collision, as a rule): the savepoint dropped the chunk. Any other cause
    // fails again, with its own error, on the ON CONFLICT path.
    if ((error as { code?: string }).code === "25P02") return false;
    throw error;
  }
}

/**
 * Moves the staged codes into `codes`. A code whose look-up hash exists (in the table or
 * earlier in the same batch) is skipped: ON CONFLICT DO NOTHING, and the caller draws again.
 * Returns how many were inserted.
 */
export async function insertStagedCodes(tx: BulkSql, target: BulkCodeTarget): Promise<number> {
  const result = await tx`
    insert into codes (coupon_id, lookup_hash, code_encrypted, kind, max_redemptions, book_id, job_id)
    select ${target.couponId}, lookup_hash, code_encrypted, ${target.kind}::code_kind, ${target.maxRedemptions}, ${target.bookId}, ${target.jobId}
    from code_staging
    on conflict (lookup_hash) do nothing`;
  return result.count;
}

/**
 * Import's checks, all in SQL over the staged lines, written to the job's report: the first line
 * of a code wins; a later line with the same look-up key is a duplicate in the file; a key already
 * in `codes` exists. Returns how many lines were refused.
 */
export async function recordStagedCodeConflicts(tx: BulkSql, jobId: string): Promise<number> {
  const result = await tx`
    insert into code_job_errors (job_id, line, error, value)
    select ${jobId}, line,
      case when exists (select 1 from codes c where c.lookup_hash = ranked.lookup_hash) then 'ALREADY_EXISTS'
           else 'DUPLICATE_IN_FILE: first on line ' || first_line end,
      coalesce(value, '')
    from (select line, lookup_hash, value, min(line) over (partition by lookup_hash) as first_line from code_staging) ranked
    where line <> first_line or exists (select 1 from codes c where c.lookup_hash = ranked.lookup_hash)
    on conflict do nothing`;
  return result.count;
}

/** Lines refused before staging (bad format, bad columns), in the job's report. */
export async function recordLineErrors(
  tx: BulkSql,
  jobId: string,
  rows: Array<{ line: number; error: string; value: string }>,
): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map((row) => ({ job_id: jobId, line: row.line, error: row.error, value: row.value }));
  await tx`insert into code_job_errors ${tx(values, "job_id", "line", "error", "value")} on conflict do nothing`;
}
