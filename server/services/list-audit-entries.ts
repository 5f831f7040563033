import { getDb } from "@/server/db/client";
import { listAuditEntries as listAuditRows } from "@/server/db/queries/audit-log";
import type { ListAuditInput } from "@/server/domain/admin-inputs";
import { decodeCursor, encodeCursor, isTimestampText } from "@/server/domain/keyset-cursor";
import { InvalidInputError } from "./errors";

/** admin.audit.list: newest first, filtered by actor, target, action and date; keyset pages. */
export async function listAuditEntries(input: ListAuditInput) {
  const before = input.cursor ? decodeCursor(input.cursor) : null;
  if (input.cursor && (!before || !isTimestampText(before.value)))
    throw new InvalidInputError("This cursor does not belong to this list; start from the first page.");
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
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      id: row.id,
      actorId: row.actorId,
      actorEmail: row.actorEmail,
      action: row.action,
      targetType: row.targetType,
      targetId: row.targetId,
      before: row.before as Record<string, unknown> | null,
      after: row.after as Record<string, unknown> | null,
      createdAt: row.createdAt,
    })),
    nextCursor: rows.length > input.limit && last ? encodeCursor({ value: last.cursorValue, id: last.id }) : null,
  };
}
