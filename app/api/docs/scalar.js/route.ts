import { readFile } from "node:fs/promises";
import path from "node:path";

let script: Promise<Buffer> | undefined;

/** Scalar's standalone browser bundle (from the @scalar/api-reference package), for /api/docs. */
export async function GET() {
  script ??= readFile(path.join(process.cwd(), "node_modules/@scalar/api-reference/dist/browser/standalone.js"));
  return new Response(new Uint8Array(await script), {
    headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=3600" },
  });
}
