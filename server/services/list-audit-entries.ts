import { getDb } from "@/server/db/client";
import { listAuditEntries as listAuditRows } from "@/server/db/queries/audit-log";
import type { ListAuditInput } from "@/server/domain/admin-inputs";
import { keysetPage } from "@/server/domain/keyset-cursor";
import { readKeysetCursor } from "./read-keyset-cursor";

/** admin.audit.list: newest first, filtered by actor, target, action and date; keyset pages. */
export async function listAuditEntries(input: ListAuditInput) {
  const before = readKeysetCursor(input.cursor, "timestamp");
  const rows = await listAuditRows(getDb(), {
    actorEmail: input.actor,
    targetType: input.targetType,
    targetId: input.targetId,
    action: input.action,
    from: input.from,
    to: input.to,
    before: before ? { createdAt: before.value, id: before.id } : undefined,
    limit: input.limit + 1,
  });
  return keysetPage(
    rows,
    input.limit,
    (row) => row.cursorValue,
    (row) => ({
      id: row.id,
      actorId: row.actorId,
      actorEmail: row.actorEmail,
      action: row.action,
      targetType: row.targetType,
      targetId: row.targetId,
      before: row.before as Record<string, unknown> | null,
      after: row.after as Record<string, unknown> | null,
      createdAt: row.createdAt,
    }),
  );
}
