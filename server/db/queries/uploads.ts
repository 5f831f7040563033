import { and, asc, eq, gt } from "drizzle-orm";
import type { Executor } from "../client";
import { uploadChunks, uploads } from "../schema";

export async function insertUpload(db: Executor, values: { filename: string; createdBy: string }) {
  const [row] = await db.insert(uploads).values(values).returning({ id: uploads.id });
  if (!row) throw new Error("insert into uploads returned nothing");
  return row;
}

export async function insertUploadChunk(db: Executor, uploadId: string, seq: number, data: Buffer): Promise<void> {
  await db.insert(uploadChunks).values({ uploadId, seq, data });
}

export async function setUploadSize(db: Executor, uploadId: string, bytes: number): Promise<void> {
  await db.update(uploads).set({ bytes }).where(eq(uploads.id, uploadId));
}

export async function findUpload(db: Executor, uploadId: string) {
  const [row] = await db.select().from(uploads).where(eq(uploads.id, uploadId));
  return row;
}

/** The stored file, piece by piece, in order (one piece in memory at a time). */
export async function* readUploadChunks(db: Executor, uploadId: string): AsyncGenerator<Buffer> {
  let seq = -1;
  for (;;) {
    const [chunk] = await db
      .select({ seq: uploadChunks.seq, data: uploadChunks.data })
      .from(uploadChunks)
      .where(and(eq(uploadChunks.uploadId, uploadId), gt(uploadChunks.seq, seq)))
      .orderBy(asc(uploadChunks.seq))
      .limit(1);
    if (!chunk) return;
    seq = chunk.seq;
    yield chunk.data;
  }
}

/** An import's file is not kept once the job has read it. */
export async function deleteUploadChunks(db: Executor, uploadId: string): Promise<void> {
  await db.delete(uploadChunks).where(eq(uploadChunks.uploadId, uploadId));
}
