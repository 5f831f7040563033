import DataLoader from "dataloader";

/**
 * Group commit for hot paths: calls that arrive while earlier batches are in
 * flight wait and leave together as the next batch. With nothing in flight a
 * call leaves at once (after the current tick, which gathers calls made in
 * it), so an idle server adds no latency; a busy one makes one round trip per
 * batch instead of one per call.
 *
 * `run` gets the waiting inputs, in order, and returns one result per input
 * (a value, or an Error for that input alone). A throw fails the whole batch.
 * A batch larger than maxBatchSize runs as several chunks at once (each its own
 * `run`; a throw fails that chunk's callers only).
 */
export function createBatcher<In, Out>(
  run: (inputs: readonly In[]) => Promise<ReadonlyArray<Out | Error>>,
  opts: { maxInFlight?: number; maxBatchSize?: number } = {},
): (input: In) => Promise<Out> {
  const maxInFlight = opts.maxInFlight ?? 2;
  let inFlight = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    inFlight -= 1;
    const next = waiting.shift();
    if (next) dispatch(next);
  };
  const dispatch = (callback: () => void) => {
    inFlight += 1;
    setImmediate(callback);
  };
  const maxBatchSize = opts.maxBatchSize ?? 256;
  const loader = new DataLoader<In, Out, number>(
    async (inputs) => {
      try {
        if (inputs.length <= maxBatchSize) return await run(inputs);
        const chunks: In[][] = [];
        for (let i = 0; i < inputs.length; i += maxBatchSize) chunks.push(inputs.slice(i, i + maxBatchSize));
        // Chunks run side by side; a chunk that throws fails its own callers only.
        const settled = await Promise.all(
          chunks.map((chunk) => run(chunk).catch((error: unknown) => chunk.map(() => asError(error)))),
        );
        return settled.flat();
      } finally {
        release();
      }
    },
    {
      cache: false,
      // The batch takes its in-flight slot when scheduled; it waits when every slot is busy.
      batchScheduleFn: (callback) => (inFlight < maxInFlight ? dispatch(callback) : waiting.push(callback)),
    },
  );
  return (input) => loader.load(input);
}

export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
