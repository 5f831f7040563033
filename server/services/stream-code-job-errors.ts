import { stringify } from "csv-stringify/sync";
import { getDb } from "@/server/db/client";
import { listCodeJobErrors } from "@/server/db/queries/code-jobs";

const PAGE = 5_000;

/** An import's per-line report as CSV pieces (line, error, value), page by page. */
export async function* streamCodeJobErrors(jobId: string): AsyncGenerator<string> {
  yield stringify([["line", "error", "value"]]);
  let after = 0;
  for (;;) {
    const rows = await listCodeJobErrors(getDb(), jobId, PAGE, after);
    if (rows.length === 0) return;
    yield stringify(rows.map((row) => [row.line, row.error, row.value]));
    after = rows[rows.length - 1]!.line;
  }
}
