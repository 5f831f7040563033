import { sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { Database } from "../client";
import type { DownloadTarget } from "./download-tokens";

export type ExportRow = {
  id: string;
  codeEncrypted: Buffer;
  kind: "SHARED" | "UNIQUE";
  status: "ACTIVE" | "DISABLED";
  maxRedemptions: number | null;
  redeemed: number;
  assignedEmail: string | null;
  bookId: string | null;
  createdAt: Date;
};

const BATCH = 2_000;
const dialect = new PgDialect();

/**
 * The codes of a coupon, job or book, in batches through a server-side cursor: an export
 * of 1,000,000 codes never holds more than one batch in memory.
 */
export async function* streamCodesForExport(db: Database, target: DownloadTarget): AsyncGenerator<ExportRow[]> {
  const where =
    "couponId" in target
      ? sql`c.coupon_id = ${target.couponId}`
      : "jobId" in target
        ? sql`c.job_id = ${target.jobId}`
        : sql`c.book_id = ${target.bookId}`;
  const query = dialect.sqlToQuery(sql`
    select c.id, c.code_encrypted as "codeEncrypted", c.kind, c.status, c.max_redemptions as "maxRedemptions",
      (select count(*) from redemptions r where r.code_id = c.id and not r.uses_restored)::int as redeemed,
      u.email as "assignedEmail", c.book_id as "bookId", c.created_at as "createdAt"
    from codes c left join users u on u.id = c.assigned_user_id
    where ${where}
    ${"jobId" in target ? sql`` : sql`order by c.created_at`}`);
  const cursor = db.$client.unsafe<ExportRow[]>(query.sql, query.params as never[]).cursor(BATCH);
  for await (const rows of cursor) yield rows;
}
