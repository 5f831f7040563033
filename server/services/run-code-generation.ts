import { randomBytes as nodeRandomBytes } from "node:crypto";
import { setImmediate as yieldToIo } from "node:timers/promises";
import { encryptCode, hashCodeForLookup } from "@/server/crypto/code-secrets";
import { getDb } from "@/server/db/client";
import {
  clearCodeStaging,
  copyIntoCodes,
  copyIntoCodeStaging,
  createCodeStaging,
  inBulkTransaction,
  insertStagedCodes,
  type SealedCode,
} from "@/server/db/queries/bulk-codes";
import { insertCodeJobAuditEntry } from "@/server/db/queries/audit-log";
import { claimCodeJob, completeCodeJobInTransaction, reportCodeJobProgress } from "@/server/db/queries/code-jobs";
import { planCodeGeneration, streamCodes, type RandomBytes } from "@/server/domain/code-generator";
import { endCodeJobWithAudit } from "./end-code-job-with-audit";
import type { GenerationParams } from "./start-code-generation";

/** Codes per round trip; progress and cancel are checked once per chunk. */
export const GENERATION_CHUNK = 20_000;
const SEAL_SLICE = 2_000;
const MAX_FRUITLESS_CHUNKS = 5;

class JobStopped extends Error {
  constructor(
    readonly status: "FAILED" | "CANCELLED",
    message: string,
  ) {
    super(message);
  }
}

/**
 * Runs a queued generation job: draws codes from a CSPRNG, seals them (HMAC for look-up,
 * AES-GCM for display) and writes them in chunks, all in one transaction that also marks the
 * job COMPLETED. Cancel, crash or error: nothing is kept. While Postgres writes one chunk, the
 * next is sealed.
 *
 * Collisions: a chunk is written through a staging table and one insert ON CONFLICT DO NOTHING,
 * and codes lost to collisions are drawn again. When the code space is so large that a collision
 * in a chunk is improbable (< 1 %), the chunk is first COPYed straight into `codes` under a
 * savepoint (the cost of a raw COPY), and only a chunk that did collide takes the ON CONFLICT path.
 */
export async function runCodeGeneration(
  jobId: string,
  options: {
    chunkSize?: number;
    randomBytes?: RandomBytes;
    /** Test seam: runs after each chunk is written, before progress and cancel are checked. */
    afterChunk?: (made: number) => Promise<void>;
  } = {},
): Promise<void> {
  const job = await claimCodeJob(getDb(), jobId);
  if (!job) return; // cancelled before it started, or another worker has it
  const params = job.params as GenerationParams;
  const planned = planCodeGeneration(params);
  if (!planned.ok) {
    await endCodeJobWithAudit(jobId, "codes.generate.failed", { status: "FAILED", message: planned.message });
    return;
  }
  const chunkSize = options.chunkSize ?? GENERATION_CHUNK;
  const fastPath = planned.space > BigInt(job.total) * BigInt(chunkSize) * 100n;
  const draw = streamCodes(planned, options.randomBytes ?? ((n) => nodeRandomBytes(n)));
  const target = {
    couponId: job.couponId,
    kind: "UNIQUE" as const,
    maxRedemptions: params.maxRedemptions,
    bookId: job.bookId,
    jobId,
  };

  async function seal(count: number): Promise<SealedCode[]> {
    const rows: SealedCode[] = [];
    const drawn = new Set<string>(); // no duplicate within a chunk (it would fail the fast path's COPY)
    for (let i = 0; i < count; i += 1) {
      let code = draw.next().value;
      for (let tries = 0; drawn.has(code) && tries < 100; tries += 1) code = draw.next().value;
      drawn.add(code);
      rows.push({ lookupHash: hashCodeForLookup(code.replaceAll("-", "")), codeEncrypted: encryptCode(code) });
      // Let the previous chunk's COPY data flow to Postgres while this one is sealed.
      if (i % SEAL_SLICE === SEAL_SLICE - 1) await yieldToIo();
    }
    return rows;
  }

  let made = 0;
  let collisions = 0;
  try {
    await inBulkTransaction(getDb(), async (tx) => {
      await createCodeStaging(tx);
      let pending = await seal(Math.min(chunkSize, job.total));
      let fruitless = 0;
      while (pending.length > 0) {
        const rows = pending;
        const writing = (async () => {
          if (fastPath && (await copyIntoCodes(tx, rows, target))) return rows.length;
          await clearCodeStaging(tx);
          await copyIntoCodeStaging(tx, rows);
          return insertStagedCodes(tx, target);
        })();
        const ahead = await seal(Math.min(chunkSize, job.total - made - rows.length)).catch(async (error) => {
          await writing.catch(() => undefined);
          throw error;
        });
        const inserted = await writing;
        made += inserted;
        collisions += rows.length - inserted;
        fruitless = inserted === 0 ? fruitless + 1 : 0;
        if (fruitless >= MAX_FRUITLESS_CHUNKS)
          throw new JobStopped("FAILED", "Almost every drawn code exists already: the code space is used up.");
        await options.afterChunk?.(made);
        const { cancel } = await reportCodeJobProgress(getDb(), jobId, made);
        if (cancel) throw new JobStopped("CANCELLED", "Cancelled; none of its codes were kept.");
        // Codes lost to collisions (in the table or within the batch) are drawn again.
        pending = rows.length > inserted ? ahead.concat(await seal(rows.length - inserted)) : ahead;
      }
      const message = collisions > 0 ? `${collisions} drawn codes collided and were drawn again.` : null;
      if (!(await completeCodeJobInTransaction(tx, jobId, made, message)))
        throw new JobStopped("CANCELLED", "Cancelled; none of its codes were kept.");
      await insertCodeJobAuditEntry(tx, { jobId, action: "codes.generate.completed", after: { made, collisions } });
    });
  } catch (error) {
    const stopped = error instanceof JobStopped ? error : null;
    if (!stopped) console.error(`[jobs] code generation ${jobId} failed`, error);
    const status = stopped?.status ?? "FAILED";
    await endCodeJobWithAudit(jobId, status === "CANCELLED" ? "codes.generate.cancelled" : "codes.generate.failed", {
      status,
      message: stopped?.message ?? "The generation failed; none of its codes were kept.",
    });
  }
}
