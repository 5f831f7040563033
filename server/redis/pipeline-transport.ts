import { errors, type UpstashResponse } from "@upstash/redis";
import { Pool } from "undici";

export type PipelineResult = UpstashResponse<unknown>;
export type PipelineTransport = {
  /** POSTs the commands to the REST `/pipeline` endpoint; one result per command, in order. */
  send(
    commands: unknown[][],
    syncToken?: string,
  ): Promise<{ results: PipelineResult[]; syncToken: string | undefined }>;
  close(): Promise<void>;
};

/**
 * The REST `/pipeline` request of the hot path (CoalescingRequester's batches) on a keep-alive undici
 * pool instead of global fetch: the same protocol and answers, without a Fetch Request, Response and
 * web streams per round trip (about a sixth of the API process's CPU per redemption went there;
 * README, Benchmarks). Answers come as plain JSON (no Upstash-Encoding: everything the app keeps in
 * Redis is UTF-8 text). As the client's own requester does: a refused request (non-2xx) throws
 * UpstashError with the server's message, a request that got no answer is sent once more after 25 ms,
 * a request is given up after `timeoutMs`, and the read-your-writes sync token is passed along.
 */
export function createPipelineTransport(
  url: string,
  token: string,
  opts: { timeoutMs: number; connections?: number },
): PipelineTransport {
  const base = new URL(url);
  const path = `${base.pathname.replace(/\/$/, "")}/pipeline`;
  const pool = new Pool(base.origin, { connections: opts.connections ?? 16, keepAliveTimeout: 30_000 });
  const authorization = `Bearer ${token}`;

  const attempt = async (body: string, syncToken: string | undefined) => {
    const response = await pool.request({
      method: "POST",
      path,
      headers: {
        authorization,
        "content-type": "application/json",
        ...(syncToken ? { "upstash-sync-token": syncToken } : {}),
      },
      body,
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    const text = await response.body.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      throw new errors.UpstashJSONParseError(text, { cause });
    }
    if (response.statusCode < 200 || response.statusCode >= 300) {
      throw new errors.UpstashError(
        `${(parsed as { error?: string } | null)?.error ?? `HTTP ${response.statusCode}`}, command was: ${body.slice(0, 300)}`,
      );
    }
    if (!Array.isArray(parsed))
      throw new errors.UpstashError(`the pipeline answered ${text.slice(0, 100)}, not an array`);
    const nextToken = response.headers["upstash-sync-token"];
    return { results: parsed as PipelineResult[], syncToken: typeof nextToken === "string" ? nextToken : syncToken };
  };

  return {
    async send(commands, syncToken) {
      const body = JSON.stringify(commands);
      try {
        return await attempt(body, syncToken);
      } catch (error) {
        // An answer is an answer (a refusal, a bad body); only a request that got none is sent again.
        if (error instanceof errors.UpstashError || (error as { name?: string }).name === "TimeoutError") throw error;
        await new Promise((resolve) => setTimeout(resolve, 25));
        return attempt(body, syncToken);
      }
    },
    close: () => pool.close(),
  };
}
