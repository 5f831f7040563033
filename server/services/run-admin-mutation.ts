import { getDb, type Executor } from "@/server/db/client";
import { insertAuditEntry } from "@/server/db/queries/audit-log";
import { completeIdempotencyKey } from "@/server/db/queries/idempotency";
import { InProgressError } from "./errors";
import { runIdempotent, type IdempotentAnswer } from "./run-idempotent";

/** Who makes an admin change (null id: the system, e.g. a script). */
export type AdminActor = { userId: string | null; email?: string | null; apiKeyId?: string };

export type AuditEntryInput = {
  action: string;
  targetType: "coupon" | "code" | "redemption" | "book" | "code_job" | "api_key";
  targetId: string;
  before: unknown;
  after: unknown;
};

/**
 * One admin change: `change` runs in a transaction and writes its audit entries through `audit`
 * in that same transaction, so the change and its record commit together or not at all. With an
 * idempotency key the change runs at most once per (actor, key): the answer is stored in the same
 * transaction, and a retry gets it back (as JSON: return plain data, e.g. ids, and read rows after).
 */
export async function runAdminMutation<T>(
  ref: { actor: AdminActor; operation: string; idempotencyKey?: string; payload: unknown },
  change: (tx: Executor, audit: (entry: AuditEntryInput) => Promise<void>) => Promise<T>,
): Promise<T> {
  const inTransaction = (answer: IdempotentAnswer | null) =>
    getDb()
      .transaction(async (tx) => {
        const audit = (entry: AuditEntryInput) =>
          insertAuditEntry(tx, {
            actorId: ref.actor.userId,
            actorEmail: ref.actor.email ?? null,
            action: entry.action,
            targetType: entry.targetType,
            targetId: entry.targetId,
            before: toJson(entry.before),
            after: toJson(entry.after),
          });
        const result = await change(tx, audit);
        // The key was taken over (this call was presumed dead): roll the change back, the owner answers.
        if (answer && !(await completeIdempotencyKey(tx, answer.key, answer.stored(result))))
          throw new InProgressError("Another attempt with this idempotency key took over; retry to get its answer.");
        return result;
      })
      .then((result) => {
        answer?.done();
        return result;
      });
  if (!ref.idempotencyKey) return inTransaction(null);
  return runIdempotent(
    {
      scope: ref.actor.apiKeyId ? `apikey:${ref.actor.apiKeyId}` : `admin:${ref.actor.userId ?? "system"}`,
      key: ref.idempotencyKey,
      operation: ref.operation,
      payload: ref.payload,
    },
    inTransaction,
  );
}

// jsonb keeps what JSON keeps: Dates as ISO strings, Buffers never (they are secrets or hashes).
function toJson(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) =>
      v && typeof v === "object" && (v as { type?: string }).type === "Buffer" ? undefined : v,
    ),
  );
}
