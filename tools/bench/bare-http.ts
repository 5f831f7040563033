import type http from "node:http";
import { parseArgs } from "node:util";

/** The bare node:http servers of the benchmarks: what the framework would otherwise do for them. */
const MAX_BODY_BYTES = 1 << 20;

export function parsePortArgs(usage: string): { port: number; host: string } {
  const { values } = parseArgs({
    options: { port: { type: "string" }, host: { type: "string", default: "127.0.0.1" } },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port <= 0) {
    console.error(usage);
    process.exit(2);
  }
  return { port, host: values.host };
}

export async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new RangeError("body too large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function send(res: http.ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}
