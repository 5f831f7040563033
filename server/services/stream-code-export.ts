import { stringify } from "csv-stringify/sync";
import { decryptCode } from "@/server/crypto/code-secrets";
import { getDb } from "@/server/db/client";
import { burnDownloadToken } from "@/server/db/queries/download-tokens";
import { streamCodesForExport } from "@/server/db/queries/export-codes";
import { hashDownloadToken } from "./create-code-export";
import { NotFoundError } from "./errors";

export const EXPORT_COLUMNS = [
  "code",
  "kind",
  "status",
  "max_redemptions",
  "redeemed",
  "assigned_to",
  "book_id",
  "created_at",
] as const;

/**
 * Opens a one-time export link (burning it) and returns the CSV as a stream of text pieces,
 * decrypted batch by batch: never the whole export in memory.
 */
export async function streamCodeExport(token: string): Promise<AsyncGenerator<string>> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) throw new NotFoundError("This download link is not valid.");
  const opened = await burnDownloadToken(getDb(), hashDownloadToken(token));
  if (!opened) throw new NotFoundError("This download link was used already or has expired; export again.");
  return (async function* () {
    yield stringify([[...EXPORT_COLUMNS]]);
    for await (const rows of streamCodesForExport(getDb(), opened.target)) {
      yield stringify(
        rows.map((row) => [
          decryptCode(row.codeEncrypted),
          row.kind,
          row.status,
          row.maxRedemptions ?? "",
          row.redeemed,
          row.assignedEmail ?? "",
          row.bookId ?? "",
          new Date(row.createdAt).toISOString(),
        ]),
      );
    }
  })();
}
