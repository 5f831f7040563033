import { createHash, randomUUID } from "node:crypto";
import { configure } from "safe-stable-stringify";
import { createBatcher } from "@/server/batching";
import { openJson, sealJson } from "@/server/crypto/code-secrets";
import { getDb } from "@/server/db/client";
import {
  claimIdempotencyKeys,
  completeIdempotencyKey,
  readIdempotencyKey,
  releaseIdempotencyKey,
  takeOverStaleKey,
} from "@/server/db/queries/idempotency";
import { IdempotencyKeyLostError } from "@/server/db/queries/gate-records";
import type { Reason } from "@/server/domain/reasons";
import { CheckoutRejectedError, DomainError, IdempotencyMismatchError, InProgressError } from "./errors";

/** Keys are kept at least this long (SPEC: at least 24 hours). */
export const IDEMPOTENCY_TTL_HOURS = 48;
const STALE_AFTER_SECONDS = 30;
const WAIT_FOR_OWNER_MS = 15_000;

type StoredOutcome =
  | { ok: true; value: unknown }
  | { ok: false; reason: Reason; message: string; details?: unknown; rejected?: CheckoutRejectedError["rejected"] };

/**
 * How `execute` stores its answer with its effect, so both commit together:
 * it writes `stored(value)` to the row `key` in the statement (or transaction)
 * that makes the effect durable, then calls `done()` once that committed.
 */
export type IdempotentAnswer = {
  /** ownerToken: this execution's claim; a takeover replaces it, and then this answer is refused. */
  key: { scope: string; key: string; ownerToken: string };
  stored: (value: unknown) => unknown;
  done: () => void;
};

export function hashRequest(payload: unknown): string {
  return createHash("sha256")
    .update(canonicalJson(payload ?? null))
    .digest("hex");
}

// Key order must not change the hash: the same payload is the same request. JSON with sorted keys
// (undefined properties left out, Dates as ISO strings); a cycle (never in a validated payload) throws.
const canonicalJson = configure({ deterministic: true, circularValue: TypeError });

// Concurrent requests' claims go to Postgres together: one INSERT per batch instead of one per request.
const claimIdempotencyKey = createBatcher((inputs: ReadonlyArray<Parameters<typeof claimIdempotencyKeys>[1][number]>) =>
  claimIdempotencyKeys(getDb(), inputs),
);

/**
 * Runs `execute` at most once per (scope, key). Retries with the same key get
 * the first answer (success or domain refusal); the same key with another
 * payload is refused; concurrent duplicates wait for the first to finish.
 * `execute` stores its answer through `IdempotentAnswer`, with its effect.
 */
export async function runIdempotent<T>(
  ref: { scope: string; key: string; operation: string; payload: unknown },
  execute: (answer: IdempotentAnswer) => Promise<T>,
): Promise<T> {
  const db = getDb();
  const keyRef = { scope: ref.scope, key: ref.key };
  const requestHash = hashRequest({ operation: ref.operation, payload: ref.payload });
  const deadline = Date.now() + WAIT_FOR_OWNER_MS;

  for (;;) {
    // A fresh token per claim: a stale owner that is still running is told apart from the one that took over.
    const ownerToken = randomUUID();
    const owned =
      (await claimIdempotencyKey({
        ...keyRef,
        ownerToken,
        operation: ref.operation,
        requestHash,
        ttlHours: IDEMPOTENCY_TTL_HOURS,
      })) || (await takeOverStaleKey(db, { ...keyRef, ownerToken, staleSeconds: STALE_AFTER_SECONDS }));
    if (owned) return executeOwned({ ...keyRef, ownerToken }, execute);

    const existing = await readIdempotencyKey(db, keyRef);
    if (!existing) continue; // released by a failed owner: claim again
    if (existing.requestHash !== requestHash || existing.operation !== ref.operation) {
      throw new IdempotencyMismatchError("This idempotency key was already used with a different request.");
    }
    if (existing.status === "DONE") return replay<T>(openJson(existing.response) as StoredOutcome);
    if (Date.now() > deadline)
      throw new InProgressError("A request with this idempotency key is still in progress; retry shortly.");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function executeOwned<T>(
  keyRef: { scope: string; key: string; ownerToken: string },
  execute: (answer: IdempotentAnswer) => Promise<T>,
): Promise<T> {
  const db = getDb();
  let completed = false;
  const answer: IdempotentAnswer = {
    key: keyRef,
    // Answers name codes: stored sealed (AES-GCM), so a dump of idempotency_keys yields none.
    stored: (value) => sealJson({ ok: true, value } satisfies StoredOutcome),
    done: () => void (completed = true),
  };
  try {
    const result = await execute(answer);
    if (
      !completed &&
      !(await completeIdempotencyKey(db, keyRef, sealJson({ ok: true, value: result } satisfies StoredOutcome)))
    )
      return answerOfNewOwner(keyRef);
    return result;
  } catch (error) {
    if (completed) throw error;
    // The key was taken over while this call ran (it looked dead): the new owner's answer is the answer.
    if (error instanceof IdempotencyKeyLostError) return answerOfNewOwner(keyRef);
    if (error instanceof DomainError) {
      // A refusal is an answer too: a retry gets the same one, and nothing was reserved.
      const rejected = error instanceof CheckoutRejectedError ? error.rejected : undefined;
      const stored = await completeIdempotencyKey(
        db,
        keyRef,
        sealJson({
          ok: false,
          reason: error.reason,
          message: error.message,
          details: error.details,
          rejected,
        } satisfies StoredOutcome),
      );
      if (!stored) return answerOfNewOwner(keyRef);
    } else {
      await releaseIdempotencyKey(db, keyRef).catch(() => undefined);
    }
    throw error;
  }
}

/** This owner lost the key to a takeover: replay the new owner's answer, or say it is still running. */
async function answerOfNewOwner<T>(keyRef: { scope: string; key: string }): Promise<T> {
  const row = await readIdempotencyKey(getDb(), keyRef);
  if (row?.status === "DONE") return replay<T>(openJson(row.response) as StoredOutcome);
  throw new InProgressError("A request with this idempotency key is still in progress; retry shortly.");
}

function replay<T>(outcome: StoredOutcome): T {
  if (outcome.ok) return outcome.value as T;
  if (outcome.rejected) throw new CheckoutRejectedError(outcome.rejected, outcome.message);
  throw new DomainError(outcome.reason, outcome.message, outcome.details);
}
