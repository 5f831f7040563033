import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createBatcher } from "./batching";

type Deferred<T> = { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void };

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** One macrotask: the batcher hands a batch over with setImmediate. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Enough macrotasks for a finished batch to release its slot and the next one to start. */
async function settle(rounds = 5) {
  for (let i = 0; i < rounds; i += 1) await tick();
}

type Run<In, Out> = { inputs: In[]; reply: Deferred<ReadonlyArray<Out | Error>> };

/** A `run` whose batches the test answers by hand; it records every batch and the peak of concurrent runs. */
function controlledRun<In, Out>() {
  const runs: Array<Run<In, Out>> = [];
  let running = 0;
  let peak = 0;
  const run = (inputs: readonly In[]) => {
    const reply = deferred<ReadonlyArray<Out | Error>>();
    runs.push({ inputs: [...inputs], reply });
    running += 1;
    peak = Math.max(peak, running);
    return reply.promise.finally(() => {
      running -= 1;
    });
  };
  return { run, runs, peak: () => peak, running: () => running };
}

/** Records how a promise settled, without letting a rejection go unhandled. */
function track<T>(promise: Promise<T>) {
  const state: { settled: number; value?: T; error?: unknown } = { settled: 0 };
  promise.then(
    (value) => {
      state.settled += 1;
      state.value = value;
    },
    (error: unknown) => {
      state.settled += 1;
      state.error = error;
    },
  );
  return state;
}

describe("createBatcher: when batches leave", () => {
  it("an idle call leaves at once, as a batch of one", async () => {
    const { run, runs } = controlledRun<number, number>();
    const load = createBatcher(run);
    const result = load(7);
    await tick();
    expect(runs.map((r) => r.inputs)).toEqual([[7]]);
    runs[0]!.reply.resolve([70]);
    await expect(result).resolves.toBe(70);
  });

  it("calls made in the same tick (across awaits in it) share one batch, in call order", async () => {
    const { run, runs } = controlledRun<string, string>();
    const load = createBatcher(run);
    const results = [load("a"), load("b")];
    await Promise.resolve();
    results.push(load("c"));
    await tick();
    expect(runs.map((r) => r.inputs)).toEqual([["a", "b", "c"]]);
    runs[0]!.reply.resolve(["A", "B", "C"]);
    await expect(Promise.all(results)).resolves.toEqual(["A", "B", "C"]);
  });

  it("the same input twice is not merged: both callers are in the batch and get their own answer", async () => {
    const { run, runs } = controlledRun<string, string>();
    const load = createBatcher(run);
    const results = [load("k"), load("k")];
    await tick();
    expect(runs[0]!.inputs).toEqual(["k", "k"]);
    runs[0]!.reply.resolve(["first", "second"]);
    await expect(Promise.all(results)).resolves.toEqual(["first", "second"]);
  });

  it("calls made while maxInFlight batches are in flight wait and leave together as the next batch", async () => {
    const { run, runs, peak } = controlledRun<number, number>();
    const load = createBatcher(run, { maxInFlight: 2 });
    const results: Array<Promise<number>> = [load(1)];
    await tick();
    results.push(load(2));
    await tick();
    expect(runs.map((r) => r.inputs)).toEqual([[1], [2]]);

    // Both slots are busy: these wait, across ticks, and leave as one batch.
    results.push(load(3), load(4));
    await settle();
    results.push(load(5));
    await settle();
    expect(runs).toHaveLength(2);

    runs[1]!.reply.resolve([20]);
    await settle();
    expect(runs.map((r) => r.inputs)).toEqual([[1], [2], [3, 4, 5]]);

    // Again both busy (batch 1 and the batch of 3, 4, 5): the next caller waits for a slot.
    results.push(load(6));
    await settle();
    expect(runs).toHaveLength(3);
    runs[0]!.reply.resolve([10]);
    await settle();
    expect(runs.map((r) => r.inputs)).toEqual([[1], [2], [3, 4, 5], [6]]);

    runs[2]!.reply.resolve([30, 40, 50]);
    runs[3]!.reply.resolve([60]);
    await expect(Promise.all(results)).resolves.toEqual([10, 20, 30, 40, 50, 60]);
    expect(peak()).toBe(2);
  });

  it("maxInFlight 1: strictly one batch at a time", async () => {
    const { run, runs, peak } = controlledRun<number, number>();
    const load = createBatcher(run, { maxInFlight: 1 });
    const results = [load(1)];
    await tick();
    results.push(load(2), load(3));
    await settle();
    expect(runs).toHaveLength(1);
    runs[0]!.reply.resolve([1]);
    await settle();
    expect(runs.map((r) => r.inputs)).toEqual([[1], [2, 3]]);
    runs[1]!.reply.resolve([2, 3]);
    await expect(Promise.all(results)).resolves.toEqual([1, 2, 3]);
    expect(peak()).toBe(1);
  });
});

describe("createBatcher: who gets what", () => {
  it("an Error returned for one input rejects only that caller", async () => {
    const { run, runs } = controlledRun<number, string>();
    const load = createBatcher(run);
    const [a, b, c] = [track(load(1)), track(load(2)), track(load(3))];
    await tick();
    const refused = new Error("refused: 2");
    runs[0]!.reply.resolve(["one", refused, "three"]);
    await settle();
    expect(a).toEqual({ settled: 1, value: "one" });
    expect(b).toEqual({ settled: 1, error: refused });
    expect(c).toEqual({ settled: 1, value: "three" });
  });

  it("a throw from run rejects every caller of that batch, and only that batch", async () => {
    const { run, runs } = controlledRun<number, number>();
    const load = createBatcher(run, { maxInFlight: 2 });
    const first = track(load(1));
    await tick();
    const second = [track(load(2)), track(load(3))];
    await tick();
    const boom = new Error("connection reset");
    runs[1]!.reply.reject(boom);
    runs[0]!.reply.resolve([100]);
    await settle();
    expect(first).toEqual({ settled: 1, value: 100 });
    for (const caller of second) expect(caller).toEqual({ settled: 1, error: boom });
  });

  it("after batches throw (also synchronously), the slots are released and the batcher keeps working", async () => {
    let calls = 0;
    const load = createBatcher(
      (inputs: readonly number[]): Promise<number[]> => {
        calls += 1;
        if (calls === 1) throw new Error("synchronous throw");
        if (calls <= 3) return Promise.reject(new Error(`rejected ${calls}`));
        return Promise.resolve(inputs.map((i) => i * 10));
      },
      { maxInFlight: 1 },
    );
    await expect(load(1)).rejects.toThrow("synchronous throw");
    await expect(load(2)).rejects.toThrow("rejected 2");
    await expect(load(3)).rejects.toThrow("rejected 3");
    await expect(Promise.all([load(4), load(5)])).resolves.toEqual([40, 50]);
  });

  it("run answering the wrong number of results rejects the batch's callers instead of leaving them hanging", async () => {
    let calls = 0;
    const load = createBatcher(
      (inputs: readonly number[]) => Promise.resolve((calls += 1) === 1 ? inputs.slice(1) : inputs.map((i) => i * 10)),
      { maxInFlight: 1 },
    );
    const results = await Promise.allSettled([load(1), load(2)]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    // The slot is free again.
    await expect(Promise.all([load(3), load(4)])).resolves.toEqual([30, 40]);
  });
});

describe("createBatcher: maxBatchSize", () => {
  it("a batch larger than maxBatchSize is split into chunks of at most that size, results still mapped", async () => {
    const { run, runs } = controlledRun<number, string>();
    const load = createBatcher(run, { maxInFlight: 1, maxBatchSize: 3 });
    const first = load(0);
    await tick();
    // Eight callers wait behind the first batch and leave together: 3 + 3 + 2.
    const waiting = Array.from({ length: 8 }, (_, i) => track(load(i + 1)));
    await settle();
    runs[0]!.reply.resolve(["r0"]);
    await expect(first).resolves.toBe("r0");
    await settle();
    expect(runs.slice(1).map((r) => r.inputs)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8],
    ]);
    // Chunks answer out of order; each caller still gets the answer for its own input.
    runs[3]!.reply.resolve(["r7", new Error("bad 8")]);
    runs[1]!.reply.resolve(["r1", "r2", "r3"]);
    runs[2]!.reply.resolve(["r4", new Error("bad 5"), "r6"]);
    await settle();
    expect(waiting.map((w) => (w.error instanceof Error ? w.error.message : w.value))).toEqual([
      "r1",
      "r2",
      "r3",
      "r4",
      "bad 5",
      "r6",
      "r7",
      "bad 8",
    ]);
    expect(waiting.every((w) => w.settled === 1)).toBe(true);
  });

  it("a chunk that throws fails only its own callers: callers of a chunk that succeeded get their results", async () => {
    const { run, runs } = controlledRun<number, string>();
    const load = createBatcher(run, { maxInFlight: 1, maxBatchSize: 2 });
    const first = load(0);
    await tick();
    const waiting = [1, 2, 3, 4].map((i) => track(load(i)));
    await settle();
    runs[0]!.reply.resolve(["r0"]);
    await first;
    await settle();
    expect(runs.slice(1).map((r) => r.inputs)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    // The first chunk's work was done (say, its INSERT committed); the second chunk's request failed.
    runs[1]!.reply.resolve(["r1", "r2"]);
    runs[2]!.reply.reject(new Error("chunk 2 timed out"));
    await settle();
    expect(waiting.map((w) => (w.error instanceof Error ? `error: ${w.error.message}` : w.value))).toEqual([
      "r1",
      "r2",
      "error: chunk 2 timed out",
      "error: chunk 2 timed out",
    ]);
  });
});

type Step = { kind: "call" } | { kind: "tick" } | { kind: "resolve"; pick: number } | { kind: "throw"; pick: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.constant<Step>({ kind: "call" }) },
  { weight: 3, arbitrary: fc.constant<Step>({ kind: "tick" }) },
  { weight: 3, arbitrary: fc.nat({ max: 1_000 }).map<Step>((pick) => ({ kind: "resolve", pick })) },
  { weight: 1, arbitrary: fc.nat({ max: 1_000 }).map<Step>((pick) => ({ kind: "throw", pick })) },
);

/** What run gives for input i: an Error for every 5th input, otherwise a value derived from it. */
const answerFor = (input: number): string | Error =>
  input % 5 === 3 ? new Error(`refused ${input}`) : `value ${input}`;

describe("createBatcher: property", () => {
  it("for any interleaving of calls, ticks, answers and throws: every call settles once, with what run gave for its input; in flight never exceeds maxInFlight", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(stepArb, { minLength: 1, maxLength: 60 }),
        async (maxInFlight, steps) => {
          const { run, runs, peak } = controlledRun<number, string>();
          const load = createBatcher(run, { maxInFlight });
          const calls: Array<ReturnType<typeof track<string>>> = [];
          /** For each run: its throw, when it threw. */
          const thrown = new Map<number, Error>();
          const open = () => runs.map((r, i) => i).filter((i) => !answered.has(i));
          const answered = new Set<number>();
          const answer = (index: number, how: "resolve" | "throw") => {
            answered.add(index);
            const target = runs[index]!;
            if (how === "resolve") target.reply.resolve(target.inputs.map(answerFor));
            else {
              const error = new Error(`batch ${index} failed`);
              thrown.set(index, error);
              target.reply.reject(error);
            }
          };

          for (const step of steps) {
            if (step.kind === "call") calls.push(track(load(calls.length)));
            else if (step.kind === "tick") await tick();
            else {
              const candidates = open();
              if (candidates.length > 0)
                answer(candidates[step.pick % candidates.length]!, step.kind === "resolve" ? "resolve" : "throw");
            }
            expect(runs.length - answered.size).toBeLessThanOrEqual(maxInFlight);
          }
          // Drain: answer whatever is still open until every call has settled.
          for (let round = 0; round < 1_000 && calls.some((c) => c.settled === 0); round += 1) {
            for (const index of open()) answer(index, "resolve");
            await tick();
          }
          await settle();

          expect(peak()).toBeLessThanOrEqual(maxInFlight);
          // Every input went to exactly one batch, batches in call order.
          expect(runs.flatMap((r) => r.inputs)).toEqual(calls.map((_, i) => i));
          runs.forEach((r, index) => {
            for (const input of r.inputs) {
              const caller = calls[input]!;
              expect(caller.settled).toBe(1);
              const error = thrown.get(index);
              const expected = answerFor(input);
              if (error) expect(caller.error).toBe(error);
              else if (expected instanceof Error) expect((caller.error as Error).message).toBe(expected.message);
              else expect(caller.value).toBe(expected);
            }
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("with any maxBatchSize, no run gets more than maxBatchSize inputs and every caller gets its own answer", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 8 }),
        async (maxBatchSize, waves) => {
          const sizes: number[] = [];
          const load = createBatcher(
            async (inputs: readonly number[]) => {
              sizes.push(inputs.length);
              await tick();
              return inputs.map(answerFor);
            },
            { maxInFlight: 1, maxBatchSize },
          );
          let next = 0;
          const calls: Array<{ input: number; result: Promise<PromiseSettledResult<string>> }> = [];
          for (const wave of waves) {
            for (let i = 0; i < wave; i += 1) {
              const input = next++;
              calls.push({
                input,
                result: load(input).then(
                  (value) => ({ status: "fulfilled" as const, value }),
                  (reason: unknown) => ({ status: "rejected" as const, reason }),
                ),
              });
            }
            await tick();
          }
          for (const { input, result } of calls) {
            const outcome = await result;
            const expected = answerFor(input);
            if (expected instanceof Error)
              expect(outcome.status === "rejected" && (outcome.reason as Error).message).toBe(expected.message);
            else expect(outcome).toEqual({ status: "fulfilled", value: expected });
          }
          expect(Math.max(0, ...sizes)).toBeLessThanOrEqual(maxBatchSize);
          expect(sizes.reduce((a, b) => a + b, 0)).toBe(next);
        },
      ),
      { numRuns: 200 },
    );
  });
});
