import { getDb } from "@/server/db/client";
import { insertUpload, insertUploadChunk, setUploadSize } from "@/server/db/queries/uploads";
import { InvalidInputError } from "./errors";

/** 1,000,000 lines of up to 32 characters, with a few columns, fit easily. */
export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;
const PIECE_BYTES = 1024 * 1024;

/**
 * Stores an uploaded file as it arrives, in 1 MiB pieces (never whole in memory), so the
 * import job can read it from any app instance. Returns its id and size.
 */
export async function storeUpload(
  body: AsyncIterable<Uint8Array>,
  meta: { filename: string; userId: string },
): Promise<{ uploadId: string; bytes: number }> {
  const { id } = await insertUpload(getDb(), { filename: meta.filename.slice(0, 200), createdBy: meta.userId });
  let bytes = 0;
  let seq = 0;
  let parts: Buffer[] = [];
  let partBytes = 0;
  const flush = async () => {
    if (partBytes === 0) return;
    await insertUploadChunk(getDb(), id, seq, Buffer.concat(parts, partBytes));
    seq += 1;
    parts = [];
    partBytes = 0;
  };
  for await (const piece of body) {
    bytes += piece.byteLength;
    if (bytes > MAX_UPLOAD_BYTES)
      throw new InvalidInputError(`The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MiB.`);
    parts.push(Buffer.from(piece));
    partBytes += piece.byteLength;
    if (partBytes >= PIECE_BYTES) await flush();
  }
  await flush();
  if (bytes === 0) throw new InvalidInputError("The file is empty.");
  await setUploadSize(getDb(), id, bytes);
  return { uploadId: id, bytes };
}
