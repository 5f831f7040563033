/**
 * `npm run bench:validate`: throughput and latency of checkout.validate for one
 * hot shared code, over HTTP against the production build (the production server
 * that `npm start` runs, and plain `next start`, both tRPC) and against the same
 * service behind a bare node:http server, in one run on the same fresh embedded
 * Postgres + redis-server, so the framework's cost shows as a ratio. A benchmark, not a test: it prints figures and never fails on timing
 * (it exits non-zero only when it could not run).
 *
 *   tsx tools/bench/validate.ts [--connections 32] [--duration 10] [--warmup 3] [--build] [--verbose]
 */
import {
  buildIfNeeded,
  describeMachine,
  HOST,
  productionEnv,
  RESERVED_PORTS,
  runBenchmark,
  runWorker,
  SERVER_READY_TIMEOUT_MS,
  startBareServer,
  startFreshServices,
  startNext,
  startProductionServer,
  throwIfStopping,
  readLoadSettings,
  type LoadSettings,
} from "./harness";
import type { LoadConfig, LoadResult } from "./load";
import { findFreePortExcept, waitForHttp } from "./processes";
import {
  BARE_PATH,
  BENCH_CART,
  checkResponse,
  CLIENT_IP,
  expectedQuote,
  HOT_CODE,
  PERCENT_BPS,
  REQUEST_HEADERS,
  requestBody,
  TRPC_PATH,
  type ExpectedQuote,
  type TargetKind,
} from "./scenario";

const REQUEST_TIMEOUT_SECONDS = 10;

const USAGE =
  "usage: tsx tools/bench/validate.ts [--connections 32] [--duration 10] [--warmup 3] [--build] [--verbose]";

function readSettings(): LoadSettings {
  const { extra: _none, ...settings } = readLoadSettings(USAGE, 32, {});
  return settings;
}

type Target = { kind: TargetKind; label: string; url: string };

async function main(): Promise<void> {
  const settings = readSettings();
  const expected = expectedQuote();

  console.log(`checkout.validate benchmark: one hot shared code on a ${BENCH_CART.items.length}-line cart`);
  console.log(`machine:  ${describeMachine()}`);

  console.log("starting a fresh embedded Postgres + redis-server + Upstash bridge (migrate, seed)…");
  const services = await startFreshServices({ verbose: settings.verbose });

  const serverEnv = productionEnv(services.env);
  await createHotCode(services.env, expected);

  const buildNote = await buildIfNeeded(settings, serverEnv);
  throwIfStopping();

  const servePort = await findFreePortExcept(RESERVED_PORTS);
  const nextPort = await findFreePortExcept(new Set([...RESERVED_PORTS, servePort]));
  const barePort = await findFreePortExcept(new Set([...RESERVED_PORTS, servePort, nextPort]));
  const productionServer = startProductionServer("production server", servePort, serverEnv, settings.verbose);
  const nextServer = startNext("next start", nextPort, serverEnv, settings.verbose);
  const bareServer = startBareServer("bare node:http server", "bare-server.ts", barePort, serverEnv, settings.verbose);
  await Promise.all([
    waitForHttp(`http://${HOST}:${servePort}/api/health`, SERVER_READY_TIMEOUT_MS, productionServer),
    waitForHttp(`http://${HOST}:${nextPort}/api/health`, SERVER_READY_TIMEOUT_MS, nextServer),
    waitForHttp(`http://${HOST}:${barePort}/`, SERVER_READY_TIMEOUT_MS, bareServer),
  ]);

  const targets: Target[] = [
    { kind: "trpc", label: "npm start · tRPC", url: `http://${HOST}:${servePort}${TRPC_PATH}` },
    { kind: "trpc", label: "next start · tRPC", url: `http://${HOST}:${nextPort}${TRPC_PATH}` },
    { kind: "bare", label: "bare node:http", url: `http://${HOST}:${barePort}${BARE_PATH}` },
  ];
  // One request each before any load: a wrong answer here is a setup problem (e.g. a stale .next), not a figure.
  for (const target of targets) await preflight(target, expected);

  console.log(
    `settings: ${settings.connections} connections, ${settings.warmupSeconds} s warm-up (discarded) + ${settings.durationSeconds} s measured per target, ` +
      `targets one after the other; request timeout ${REQUEST_TIMEOUT_SECONDS} s; code ${HOT_CODE} (PERCENT ${PERCENT_BPS / 100} %, no limits), ` +
      `anonymous, x-forwarded-for ${CLIENT_IP}; cart ${BENCH_CART.currency} subtotal ${expected.subtotal} + shipping ${BENCH_CART.shipping}, expected discount ${expected.discountTotal}; ` +
      `Postgres ${services.postgresMode} (pool ${serverEnv.DATABASE_POOL_SIZE ?? 10} per server), Redis ${services.redisMode}; ${buildNote}`,
  );

  const results: Array<{ target: Target; result: LoadResult }> = [];
  for (const target of targets) {
    console.log(`loading ${target.label} (${target.url})…`);
    results.push({
      target,
      result: await runLoad({
        kind: target.kind,
        url: target.url,
        connections: settings.connections,
        warmupSeconds: settings.warmupSeconds,
        durationSeconds: settings.durationSeconds,
        timeoutSeconds: REQUEST_TIMEOUT_SECONDS,
        expected,
      }),
    });
  }
  printReport(results);
}

/** The hot coupon and its shared code, made through the services themselves (not SQL) so they are what an admin would create. */
async function createHotCode(servicesEnv: Record<string, string>, expected: ExpectedQuote): Promise<void> {
  // Server modules read process.env once, on first use: set it before importing them.
  Object.assign(process.env, servicesEnv);
  const [
    { createCouponInput, createCodeInput },
    { Cart },
    { createCoupon },
    { createCode },
    { validateCheckout },
    { getDb },
    { findUserByEmail },
  ] = await Promise.all([
    import("@/server/domain/admin-inputs"),
    import("@/server/domain/schemas"),
    import("@/server/services/create-coupon"),
    import("@/server/services/create-code"),
    import("@/server/services/validate-checkout"),
    import("@/server/db/client"),
    import("@/server/db/queries/find-user-by-email"),
  ]);
  const admin = await findUserByEmail(getDb(), "admin@demo.test");
  if (!admin) throw new Error("the seed has no admin@demo.test");
  const coupon = await createCoupon(
    createCouponInput.parse({ name: `Bench ${HOT_CODE}`, kind: "PERCENT", value: PERCENT_BPS, validUntil: null }),
    { userId: admin.id },
  );
  await createCode(createCodeInput.parse({ couponId: coupon.id, kind: "SHARED", code: HOT_CODE }));
  // The service itself must agree with the hand-worked figure, or every load response would count as wrong.
  const direct = await validateCheckout(
    { codes: [HOT_CODE], cart: Cart.parse(BENCH_CART) },
    { customer: null, ip: CLIENT_IP },
  );
  if (direct.discountTotal !== expected.discountTotal || direct.total !== expected.total) {
    throw new Error(`validateCheckout answered ${JSON.stringify(direct)}, expected ${JSON.stringify(expected)}`);
  }
}

async function preflight(target: Target, expected: ExpectedQuote): Promise<void> {
  const response = await fetch(target.url, {
    method: "POST",
    headers: REQUEST_HEADERS,
    body: requestBody(target.kind),
    signal: AbortSignal.timeout(30_000),
  });
  const problem = checkResponse(target.kind, response.status, await response.text(), expected);
  if (problem === null) return;
  const hint = target.kind === "trpc" ? "\n(a .next built from older sources? run with --build)" : "";
  throw new Error(`${target.label} gave a wrong answer before any load: ${problem}${hint}`);
}

/** Runs the load client in its own process (see load.ts for why) and waits for its figures, within a deadline. */
function runLoad(config: LoadConfig): Promise<LoadResult> {
  const deadlineMs = (config.warmupSeconds + config.durationSeconds + 2 * config.timeoutSeconds + 30) * 1000;
  return runWorker<LoadConfig, LoadResult>("load.ts", "load client", config, deadlineMs);
}

function printReport(results: Array<{ target: Target; result: LoadResult }>): void {
  const header = ["target", "validations/s", "p50 ms", "p99 ms", "errors", "requests"];
  const rows = results.map(({ target, result }) => [
    target.label,
    result.validPerSecond.toFixed(1),
    result.p50Ms.toFixed(2),
    result.p99Ms.toFixed(2),
    String(result.non2xx + result.wrongAnswers + result.requestErrors),
    String(result.responses),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("   ");
  console.log(`\n${line(header)}\n${widths.map((w) => "-".repeat(w)).join("   ")}`);
  for (const row of rows) console.log(line(row));

  for (const { target, result } of results) {
    if (result.non2xx + result.wrongAnswers + result.requestErrors === 0) continue;
    console.log(
      `\n${target.label} errors: ${result.non2xx} non-2xx, ${result.wrongAnswers} wrong quotes, ${result.requestErrors} request errors (${result.timeouts} timeouts); samples:`,
    );
    for (const sample of result.errorSamples) console.log(`  ${sample}`);
  }

  const [production, next, bare] = results.map((r) => r.result);
  if (production && next && bare) {
    const ratio = (a: LoadResult, b: LoadResult) =>
      `throughput ${(a.validPerSecond / b.validPerSecond).toFixed(2)}x, p50 ${(a.p50Ms / b.p50Ms).toFixed(2)}x`;
    console.log(
      `\nratios (throughput above 1 and p50 below 1 = the first is faster): npm start/next start ${ratio(production, next)}; ` +
        `bare/next start ${ratio(bare, next)}; bare/npm start ${ratio(bare, production)}`,
    );
  }
}

runBenchmark(main);
