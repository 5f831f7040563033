import { Readable } from "node:stream";
import { parse } from "csv-parse";
import { encryptCode, hashCodeForLookup } from "@/server/crypto/code-secrets";
import { getDb } from "@/server/db/client";
import {
  copyIntoCodeStaging,
  createCodeStaging,
  inBulkTransaction,
  insertStagedCodes,
  recordLineErrors,
  recordStagedCodeConflicts,
  type SealedCode,
} from "@/server/db/queries/bulk-codes";
import {
  claimCodeJob,
  completeCodeJobInTransaction,
  failCodeJobInTransaction,
  reportCodeJobProgress,
} from "@/server/db/queries/code-jobs";
import { insertCodeJobAuditEntry } from "@/server/db/queries/audit-log";
import { deleteUploadChunks, readUploadChunks } from "@/server/db/queries/uploads";
import { parseCode } from "@/server/domain/code-format";
import { MAX_CODES_PER_JOB } from "@/server/domain/code-generator";
import { endCodeJobWithAudit } from "./end-code-job-with-audit";
import type { ImportParams } from "./start-code-import";

const STAGE_CHUNK = 20_000;
const ERROR_CHUNK = 1_000;
const SHOWN_VALUE_LENGTH = 64;

class ImportStopped extends Error {
  constructor(
    readonly status: "FAILED" | "CANCELLED",
    message: string,
  ) {
    super(message);
  }
}

/**
 * Runs a queued import: streams the uploaded CSV through csv-parse (first column = the code;
 * a first line "code" is a header), checks every line (format, duplicate in the file, already
 * exists) and writes either every code or none, in one transaction. A file with any bad line
 * imports nothing; the job ends FAILED with the per-line report.
 */
export async function runCodeImport(jobId: string): Promise<void> {
  const job = await claimCodeJob(getDb(), jobId);
  if (!job) return;
  const params = job.params as ImportParams;
  const target = {
    couponId: job.couponId,
    kind: params.kind,
    maxRedemptions: params.maxRedemptions,
    bookId: job.bookId,
    jobId,
  };
  try {
    await inBulkTransaction(getDb(), async (tx) => {
      await createCodeStaging(tx);
      const parser = Readable.from(readUploadChunks(getDb(), params.uploadId)).pipe(
        parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true, max_record_size: 4_096 }),
      );
      let staged: SealedCode[] = [];
      let lineErrors: Array<{ line: number; error: string; value: string }> = [];
      let formatErrors = 0;
      let codesSeen = 0;
      let linesRead = 0;
      const flush = async () => {
        await copyIntoCodeStaging(tx, staged);
        await recordLineErrors(tx, jobId, lineErrors);
        staged = [];
        lineErrors = [];
        const { cancel } = await reportCodeJobProgress(getDb(), jobId, linesRead);
        if (cancel) throw new ImportStopped("CANCELLED", "Cancelled; nothing was imported.");
      };
      try {
        for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
          const line = info.lines;
          linesRead = line;
          const raw = record[0] ?? "";
          if (codesSeen === 0 && formatErrors === 0 && raw.trim().toLowerCase() === "code") continue; // header
          codesSeen += 1;
          if (codesSeen > MAX_CODES_PER_JOB)
            throw new ImportStopped("FAILED", `More than ${MAX_CODES_PER_JOB.toLocaleString("en-US")} codes.`);
          const parsed = parseCode(raw);
          if (!parsed.ok) {
            formatErrors += 1;
            lineErrors.push({
              line,
              error: `INVALID_FORMAT: ${parsed.message}`,
              value: raw.slice(0, SHOWN_VALUE_LENGTH),
            });
          } else {
            staged.push({
              line,
              value: parsed.code,
              lookupHash: hashCodeForLookup(parsed.key),
              codeEncrypted: encryptCode(parsed.code),
            });
          }
          if (staged.length >= STAGE_CHUNK || lineErrors.length >= ERROR_CHUNK) await flush();
        }
      } catch (error) {
        if (error instanceof ImportStopped) throw error;
        const csvError = error as { code?: string; lines?: number; message?: string };
        if (typeof csvError.code === "string" && csvError.code.startsWith("CSV_"))
          throw new ImportStopped(
            "FAILED",
            `The file is not valid CSV near line ${csvError.lines ?? "?"}: ${csvError.message}`,
          );
        throw error;
      }
      await flush();
      if (codesSeen === 0) throw new ImportStopped("FAILED", "The file holds no codes.");
      const conflicts = await recordStagedCodeConflicts(tx, jobId);
      const refused = formatErrors + conflicts;
      if (refused > 0) {
        const outcome = {
          done: linesRead,
          errorCount: refused,
          message: `${refused.toLocaleString("en-US")} of ${codesSeen.toLocaleString("en-US")} lines were refused; nothing was imported.`,
        };
        await failCodeJobInTransaction(tx, jobId, outcome);
        await insertCodeJobAuditEntry(tx, {
          jobId,
          action: "codes.import.failed",
          after: { status: "FAILED", ...outcome },
        });
        return;
      }
      const inserted = await insertStagedCodes(tx, target);
      // A code added elsewhere between the check and the insert: refuse the whole file.
      if (inserted !== codesSeen)
        throw new ImportStopped("FAILED", "Some codes were created meanwhile; nothing was imported. Run it again.");
      if (
        !(await completeCodeJobInTransaction(
          tx,
          jobId,
          linesRead,
          `${inserted.toLocaleString("en-US")} codes imported.`,
        ))
      )
        throw new ImportStopped("CANCELLED", "Cancelled; nothing was imported.");
      await insertCodeJobAuditEntry(tx, { jobId, action: "codes.import.completed", after: { imported: inserted } });
    });
    await deleteUploadChunks(getDb(), params.uploadId);
  } catch (error) {
    const stopped = error instanceof ImportStopped ? error : null;
    if (!stopped) console.error(`[jobs] code import ${jobId} failed`, error);
    const status = stopped?.status ?? "FAILED";
    await endCodeJobWithAudit(jobId, status === "CANCELLED" ? "codes.import.cancelled" : "codes.import.failed", {
      status,
      message: stopped?.message ?? "The import failed; nothing was imported.",
    });
  }
}
