/** The fields an audit entry changed, "field: before → after" (all fields of a creation). */
export function AuditChanges({
  before,
  after,
}: {
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}) {
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].filter(
    (k) => k !== "id" && k !== "version" && JSON.stringify(before?.[k]) !== JSON.stringify(after?.[k]),
  );
  if (keys.length === 0) return <span className="text-muted-foreground">no field changed</span>;
  const show = (v: unknown) =>
    v === null || v === undefined
      ? "—"
      : Array.isArray(v) && v.length === 0
        ? "[]"
        : typeof v === "object"
          ? JSON.stringify(v)
          : String(v);
  return (
    <ul className="space-y-0.5 text-xs">
      {keys.slice(0, 12).map((k) => (
        <li key={k}>
          <span className="font-medium">{k}</span>:{" "}
          {before !== null && (
            <>
              <span className="text-muted-foreground line-through">{show(before[k])}</span> →{" "}
            </>
          )}
          <span>{show(after?.[k])}</span>
        </li>
      ))}
      {keys.length > 12 && <li className="text-muted-foreground">and {keys.length - 12} more</li>}
    </ul>
  );
}
