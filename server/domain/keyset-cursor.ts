// Opaque keyset cursors: the last row's sort value and id, so the next page starts right after it.

export type KeysetCursor = { value: string; id: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(cursor: KeysetCursor): string {
  const bytes = new TextEncoder().encode(JSON.stringify([cursor.value, cursor.id]));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** null when the text is not a cursor this code made (the caller answers 400/422, never 500). */
export function decodeCursor(text: string): KeysetCursor | null {
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    const parsed: unknown = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
    if (!Array.isArray(parsed) || parsed.length !== 2) return null;
    const [value, id] = parsed as unknown[];
    if (typeof value !== "string" || value.length > 300 || typeof id !== "string" || !UUID.test(id)) return null;
    return { value, id };
  } catch {
    return null;
  }
}

/** A timestamp cursor value must parse as one (Postgres text form or ISO). */
export function isTimestampText(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)?$/.test(value);
}

/**
 * One page of a keyset list from rows fetched with `limit + 1`: the first `limit` rows as items, and a cursor
 * after the last of them when the extra row shows there is more.
 */
export function keysetPage<Row extends { id: string }, Item>(
  rows: readonly Row[],
  limit: number,
  sortValue: (row: Row) => string,
  toItem: (row: Row) => Item,
): { items: Item[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toItem),
    nextCursor: rows.length > limit && last ? encodeCursor({ value: sortValue(last), id: last.id }) : null,
  };
}
