import { errors, type Requester, type UpstashRequest, type UpstashResponse } from "@upstash/redis";
import { asError, createBatcher } from "@/server/batching";
import type { PipelineTransport } from "./pipeline-transport";

type Entry = { commands: unknown[][]; single: boolean };
type Result = UpstashResponse<unknown>;

/**
 * Sends the commands of concurrent callers as one REST `/pipeline` request:
 * every command (a single one, or a caller's own pipeline) that is issued
 * while earlier requests are in flight leaves with the next batch. The
 * @upstash/redis client's auto-pipelining only merges commands of the same
 * tick; under checkout load this makes one HTTP round trip serve dozens of
 * requests. Each caller still gets exactly the answer its own request would
 * have had: a pipeline is not atomic, so merging pipelines changes nothing,
 * and MULTI/EXEC transactions (and anything else) pass through untouched.
 * With a `transport`, the batches go through it (pipeline-transport.ts) instead of `inner`.
 */
export class CoalescingRequester implements Requester {
  private readonly send: (entry: Entry) => Promise<Result | Result[]>;

  constructor(
    private readonly inner: Requester,
    private readonly transport?: PipelineTransport,
  ) {
    this.send = createBatcher<Entry, Result | Result[]>(async (entries) => {
      const body = entries.flatMap((e) => e.commands);
      let results: Result[];
      try {
        results = await this.sendPipeline(body);
      } catch (error) {
        // The server refused the request (say, one malformed command): only that caller's request may fail.
        if (!(error instanceof errors.UpstashError) || entries.length === 1) throw error;
        return Promise.all(entries.map((e) => this.sendAlone(e).catch(asError)));
      }
      if (!Array.isArray(results) || results.length !== body.length) {
        throw new Error(
          `the Redis REST pipeline answered ${Array.isArray(results) ? results.length : "no"} results for ${body.length} commands`,
        );
      }
      let at = 0;
      return entries.map((e) => {
        const mine = results.slice(at, at + e.commands.length);
        at += e.commands.length;
        return e.single ? mine[0]! : mine;
      });
    });
  }

  private async sendPipeline(body: unknown[][]): Promise<Result[]> {
    if (!this.transport)
      return (await this.inner.request<unknown>({ path: ["pipeline"], body })) as unknown as Result[];
    const readYourWrites = this.inner.readYourWrites !== false;
    const sent = await this.transport.send(body, readYourWrites ? this.inner.upstashSyncToken : undefined);
    if (readYourWrites) this.inner.upstashSyncToken = sent.syncToken ?? "";
    return sent.results;
  }

  private sendAlone(entry: Entry): Promise<Result | Result[]> {
    return entry.single
      ? this.inner.request<unknown>({ body: entry.commands[0] })
      : (this.inner.request<unknown>({ path: ["pipeline"], body: entry.commands }) as unknown as Promise<Result[]>);
  }

  /** The wrapped requester (redisScope reads its credentials). */
  get innerRequester(): Requester {
    return this.inner;
  }

  get readYourWrites() {
    return this.inner.readYourWrites;
  }

  set readYourWrites(value: boolean | undefined) {
    this.inner.readYourWrites = value;
  }

  get upstashSyncToken() {
    return this.inner.upstashSyncToken;
  }

  set upstashSyncToken(value: string | undefined) {
    this.inner.upstashSyncToken = value;
  }

  request<TResult = unknown>(req: UpstashRequest): Promise<UpstashResponse<TResult>> {
    const plain = !req.headers && !req.onMessage && !req.isStreaming && !req.signal && Array.isArray(req.body);
    const path = req.path ?? [];
    if (plain && path.length === 0)
      return this.send({ commands: [req.body as unknown[]], single: true }) as Promise<UpstashResponse<TResult>>;
    if (plain && path.length === 1 && path[0] === "pipeline" && (req.body as unknown[]).every(Array.isArray)) {
      return this.send({ commands: req.body as unknown[][], single: false }) as unknown as Promise<
        UpstashResponse<TResult>
      >;
    }
    return this.inner.request<TResult>(req);
  }
}
