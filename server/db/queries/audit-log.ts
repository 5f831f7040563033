import { and, desc, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import { executePrepared, type Executor, type SqlTarget } from "../client";
import { auditLog, type AuditRow } from "../schema";

export type NewAuditEntry = typeof auditLog.$inferInsert;

/** Call inside the transaction that makes the change: the entry commits with it or not at all. */
export async function insertAuditEntry(tx: Executor, entry: NewAuditEntry): Promise<void> {
  await tx.insert(auditLog).values(entry);
}

export type AuditFilter = {
  actorEmail?: string;
  targetType?: string;
  targetId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  /** Keyset: entries strictly older than this (createdAt, id). */
  before?: { createdAt: string; id: string };
  limit: number;
};

/** Newest first, keyset-paginated on (created_at, id). */
export async function listAuditEntries(
  db: Executor,
  filter: AuditFilter,
): Promise<Array<AuditRow & { cursorValue: string }>> {
  const conditions: Array<SQL | undefined> = [
    filter.actorEmail ? sql`lower(${auditLog.actorEmail}) = lower(${filter.actorEmail})` : undefined,
    filter.targetType ? eq(auditLog.targetType, filter.targetType) : undefined,
    filter.targetId ? eq(auditLog.targetId, filter.targetId) : undefined,
    filter.action ? eq(auditLog.action, filter.action) : undefined,
    filter.from ? gte(auditLog.createdAt, filter.from) : undefined,
    filter.to ? lt(auditLog.createdAt, filter.to) : undefined,
    filter.before
      ? sql`(${auditLog.createdAt}, ${auditLog.id}) < (${filter.before.createdAt}::timestamptz, ${filter.before.id}::uuid)`
      : undefined,
  ];
  const rows = await db
    .select({ entry: auditLog, cursorValue: sql<string>`${auditLog.createdAt}::text` })
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(filter.limit);
  return rows.map((r) => ({ ...r.entry, cursorValue: r.cursorValue }));
}

/** The distinct actions written so far (for the console's filter). */
export async function listAuditActions(db: Executor): Promise<string[]> {
  const rows = await db.selectDistinct({ action: auditLog.action }).from(auditLog).orderBy(auditLog.action);
  return rows.map((r) => r.action);
}

/**
 * A bulk job's own audit entry (finished, failed, cancelled), in the statement's transaction: the
 * job's owner is its actor (the admin who started it), copied with their email at write time.
 * Takes a drizzle handle or the job's own postgres.js transaction (a bulk job runs on one).
 */
export async function insertCodeJobAuditEntry(
  db: SqlTarget,
  entry: { jobId: string; action: string; after: unknown },
): Promise<void> {
  await executePrepared(
    db,
    sql`insert into audit_log (actor_id, actor_email, action, target_type, target_id, before, after)
      select j.created_by, u.email, ${entry.action}, 'code_job', j.id::text, null, ${JSON.stringify(entry.after ?? null)}::jsonb
      from code_jobs j left join users u on u.id = j.created_by where j.id = ${entry.jobId}`,
  );
}
