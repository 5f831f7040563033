import { decodeCursor, isTimestampText, type KeysetCursor } from "@/server/domain/keyset-cursor";
import { InvalidInputError } from "./errors";

/**
 * The cursor a list procedure was given, or null for the first page. A cursor this list did not make (garbled,
 * or a name where a timestamp belongs) is bad input, answered 400, never a 500 from the query.
 */
export function readKeysetCursor(text: string | null | undefined, sortedBy: "timestamp" | "text"): KeysetCursor | null {
  if (!text) return null;
  const cursor = decodeCursor(text);
  if (!cursor || (sortedBy === "timestamp" && !isTimestampText(cursor.value)))
    throw new InvalidInputError("This cursor does not belong to this list; start from the first page.");
  return cursor;
}
