/**
 * The load client of `npm run bench:validate`, forked once per target. It runs
 * in its own process so its CPU does not stall the Upstash bridge, which lives
 * in the orchestrator's event loop and serves both targets' Redis calls.
 *
 * Receives a LoadConfig over IPC, runs a discarded warm-up then the measured run
 * with autocannon, checks every response, and sends back a LoadResult.
 */
import autocannon from "autocannon";
import { percentile } from "./percentile";
import { checkResponse, REQUEST_HEADERS, requestBody, type ExpectedQuote, type TargetKind } from "./scenario";

export type LoadConfig = {
  kind: TargetKind;
  /** Full URL of the endpoint, on a loopback address. */
  url: string;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  timeoutSeconds: number;
  expected: ExpectedQuote;
};

export type LoadResult = {
  elapsedSeconds: number;
  responses: number;
  /** 200s carrying the expected quote. */
  valid: number;
  validPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  wrongAnswers: number;
  /** Connection errors and timeouts (autocannon counts timeouts among them). */
  requestErrors: number;
  timeouts: number;
  errorSamples: string[];
};

const MAX_ERROR_SAMPLES = 5;

type RunStats = Omit<LoadResult, "validPerSecond" | "p50Ms" | "p99Ms"> & { latenciesMs: number[] };

function runOnce(config: LoadConfig, seconds: number): Promise<RunStats> {
  const { pathname } = new URL(config.url);
  const stats: RunStats = {
    elapsedSeconds: 0,
    responses: 0,
    valid: 0,
    non2xx: 0,
    wrongAnswers: 0,
    requestErrors: 0,
    timeouts: 0,
    errorSamples: [],
    latenciesMs: [],
  };
  const sample = (message: string) => {
    if (stats.errorSamples.length < MAX_ERROR_SAMPLES && !stats.errorSamples.includes(message))
      stats.errorSamples.push(message);
  };
  const request = {
    method: "POST" as const,
    path: pathname,
    headers: REQUEST_HEADERS,
    body: requestBody(config.kind),
    onResponse: (status: number, body: string) => {
      stats.responses += 1;
      const problem = checkResponse(config.kind, status, body, config.expected);
      if (problem === null) stats.valid += 1;
      else if (status < 200 || status > 299) stats.non2xx += 1;
      else stats.wrongAnswers += 1;
      if (problem !== null) sample(problem);
    },
  };

  return new Promise((resolve, reject) => {
    const started = performance.now();
    const instance = autocannon(
      {
        url: config.url,
        connections: config.connections,
        duration: seconds,
        timeout: config.timeoutSeconds,
        ...request,
        requests: [request],
      },
      (error: unknown, result) => {
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        stats.elapsedSeconds = (performance.now() - started) / 1000;
        stats.requestErrors = result.errors;
        stats.timeouts = result.timeouts;
        resolve(stats);
      },
    );
    // autocannon's own histogram keeps whole milliseconds; the raw float times give usable sub-ms percentiles.
    instance.on("response", (_client, _status, _bytes, responseTimeMs) => void stats.latenciesMs.push(responseTimeMs));
    instance.on("reqError", (error: unknown) =>
      sample(`request error: ${error instanceof Error ? error.message : String(error)}`),
    );
  });
}

async function runLoad(config: LoadConfig): Promise<LoadResult> {
  // Warm-up: JIT, connection pools and the rules cache settle; its figures are thrown away.
  if (config.warmupSeconds > 0) await runOnce(config, config.warmupSeconds);
  const { latenciesMs, ...stats } = await runOnce(config, config.durationSeconds);
  latenciesMs.sort((a, b) => a - b);
  return {
    ...stats,
    validPerSecond: stats.valid / stats.elapsedSeconds,
    p50Ms: percentile(latenciesMs, 50),
    p99Ms: percentile(latenciesMs, 99),
  };
}

process.once("message", (config: LoadConfig) => {
  runLoad(config).then(
    (result) => process.send?.({ ok: true, result }, () => process.exit(0)),
    (error: unknown) =>
      process.send?.({ ok: false, error: error instanceof Error ? error.message : String(error) }, () =>
        process.exit(1),
      ),
  );
});
