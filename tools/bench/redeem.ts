/**
 * `npm run bench:redeem`: many signed-in shoppers redeeming ONE hot coupon at once through
 * checkout.redeem on the production build, as a real checkout does (tRPC over HTTP, Auth.js session
 * cookies): once with the Redis gate, once with the Postgres-only gate (the same build without
 * UPSTASH_REDIS_REST_*), one after the other on the same fresh embedded Postgres + redis-server. Each gate
 * runs behind three servers, one at a time: the production server (`npm start`, tools/serve.ts: tRPC on
 * node:http in a process without Next.js, pages proxied to a `next start` child), `next start` (the same router in
 * Next's route handler), and the same redeemCheckout service behind a bare node:http handler
 * (bare-redeem-server.ts, the customer id in a header instead of a session), so the framework's cost
 * shows as a ratio and the gates are compared without it. Per target: redemptions/s, requests/s,
 * p50/p95/p99 and errors by kind, the server process's CPU per request; then an oversell check: a
 * small-limit coupon hammered until every client is refused EXHAUSTED, and for both coupons the client's
 * count of acknowledged redemptions against Postgres (and the Redis gate's own count). A benchmark, not
 * a test: timing never fails it. It exits 1 when something is broken (an oversell, a count that does not
 * match, a wrong answer) or it could not run.
 *
 *   tsx tools/bench/redeem.ts [--connections 64] [--duration 10] [--warmup 3] [--limit 1000000]
 *                             [--oversell-limit 500] [--build] [--verbose]
 *   env BENCH_TARGETS=redis:serve,postgres:serve runs only those targets (gate redis|postgres : server
 *   serve|next|bare); BENCH_CPU_PROF=<dir> writes each server's V8 CPU profile there.
 */
import { randomBytes } from "node:crypto";
import { availableParallelism } from "node:os";
import type { LocalServices } from "../local-services";
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
import { findFreePortExcept, waitForHttp, type ManagedChild } from "./processes";
import type { LoadPhase, PhaseResult, RedeemLoadConfig } from "./redeem-load";
import {
  BARE_REDEEM_PATH,
  classifyRedeem,
  CUSTOMER_ID_HEADER,
  FIXED_AMOUNT,
  REDEEM_PATH,
  redeemBody,
  redeemHeaders,
  type RedeemApi,
  type RedeemTarget,
} from "./redeem-scenario";
import { BENCH_CART } from "./scenario";
import { signIn } from "./sign-in";
import { DEMO_ACCOUNTS } from "@/server/db/demo-data";

const USAGE =
  "usage: tsx tools/bench/redeem.ts [--connections 64] [--duration 10] [--warmup 3] [--limit 1000000] [--oversell-limit 500] [--build] [--verbose]";

const REQUEST_TIMEOUT_MS = 10_000;
/** The first redemption of a coupon may wait for the Redis gate state to be rebuilt (a drain window). */
const FIRST_REDEMPTION_TIMEOUT_MS = 60_000;
/** The oversell check stops at this, exhausted or not (then it says so, and the run fails). */
const OVERSELL_MAX_SECONDS = 120;
const SIGN_IN_CONCURRENCY = 8;
const SHOPPER_PASSWORD = "bench-shopper-pass";
const MAX_LIMIT = 2_147_483_647;

type Settings = LoadSettings & { limit: number; oversellLimit: number };

function readSettings(): Settings {
  const { extra, ...load } = readLoadSettings(USAGE, 64, {
    limit: { default: 1_000_000, min: 1, max: MAX_LIMIT },
    "oversell-limit": { default: 500, min: 1, max: 100_000 },
  });
  return { ...load, limit: extra.limit, oversellLimit: extra["oversell-limit"] };
}

type GateMode = { kind: "redis" | "postgres"; label: string; tag: string; expectedRedisHealth: "up" | "off" };

const MODES: GateMode[] = [
  { kind: "redis", label: "Redis gate", tag: "REDIS", expectedRedisHealth: "up" },
  { kind: "postgres", label: "Postgres gate", tag: "PGSQL", expectedRedisHealth: "off" },
];

/**
 * The server in front of the service: the production server (`npm start`: tRPC on node:http without
 * Next.js in the process, pages proxied to a Next child), `next start` (the same router in Next's route handler), or the
 * bare node:http handler (no tRPC, no session).
 */
type ServerKind = {
  launch: "serve" | "next" | "bare";
  api: RedeemApi;
  label: string;
  /** For the CPU line: the process whose CPU time is read. */
  processName: string;
  /** Suffix of its coupons' codes (the `next start` ones keep their old codes). */
  codeSuffix: string;
};

const SERVERS: ServerKind[] = [
  // Its CPU line is the front process's (the one answering /api/trpc); the Next child serves no API call.
  { launch: "serve", api: "trpc", label: "npm start", processName: "production server's front", codeSuffix: "SERVE" },
  { launch: "next", api: "trpc", label: "next start", processName: "next-server", codeSuffix: "" },
  { launch: "bare", api: "bare", label: "bare node:http", processName: "bare node:http server", codeSuffix: "BARE" },
];

/** A shopper: signs in on `next start`; the bare server gets the same id in a header. */
type Shopper = { email: string; id: string };

/** The app's modules, imported only once the services' environment is set (they read it on first use). */
async function loadServerModules(servicesEnv: Record<string, string>) {
  Object.assign(process.env, servicesEnv);
  const [
    { and, count, eq, isNull },
    { Redis },
    { createCouponInput, createCodeInput },
    { createCoupon },
    { createCode },
    { hashPassword },
    { getDb },
    { redemptions, users },
    { readUsage },
    { findUserByEmail },
  ] = await Promise.all([
    import("drizzle-orm"),
    import("@upstash/redis"),
    import("@/server/domain/admin-inputs"),
    import("@/server/services/create-coupon"),
    import("@/server/services/create-code"),
    import("@/server/auth/password"),
    import("@/server/db/client"),
    import("@/server/db/schema"),
    import("@/server/redis/gate"),
    import("@/server/db/queries/find-user-by-email"),
  ]);
  const db = getDb();
  return {
    Redis,
    readUsage,

    async adminId(): Promise<string> {
      const admin = await findUserByEmail(db, "admin@demo.test");
      if (!admin) throw new Error("the seed has no admin@demo.test");
      return admin.id;
    },

    /** Shoppers share one password, so one argon2id hash serves them all (each sign-in still verifies it). */
    async createShoppers(count: number): Promise<Shopper[]> {
      const passwordHash = await hashPassword(SHOPPER_PASSWORD);
      const emails = Array.from(
        { length: count },
        (_, i) => `bench-shopper-${String(i + 1).padStart(4, "0")}@bench.test`,
      );
      const rows = await db
        .insert(users)
        .values(
          emails.map((email, i) => ({ email, name: `Bench shopper ${i + 1}`, role: "shopper" as const, passwordHash })),
        )
        .returning({ id: users.id, email: users.email });
      const idOf = new Map(rows.map((row) => [row.email, row.id]));
      return emails.map((email) => {
        const id = idOf.get(email);
        if (!id) throw new Error(`creating the shopper ${email} returned no id`);
        return { email, id };
      });
    },

    /** Through the services, as an admin would: FIXED 100.00 USD, this many uses, no per-user limit, no expiry. */
    async createHotCoupon(
      adminId: string,
      code: string,
      maxRedemptions: number,
    ): Promise<RedeemTarget & { codeId: string }> {
      const coupon = await createCoupon(
        createCouponInput.parse({
          name: `Bench redeem ${code}`,
          kind: "FIXED",
          value: FIXED_AMOUNT,
          currency: "USD",
          maxRedemptions,
          validUntil: null,
        }),
        { userId: adminId },
      );
      const created = await createCode(createCodeInput.parse({ couponId: coupon.id, kind: "SHARED", code }));
      return { code: created.code, couponId: coupon.id, amount: FIXED_AMOUNT, codeId: created.id };
    },

    /** Redemptions that count: not voided. */
    async countRedemptions(couponId: string): Promise<number> {
      const [row] = await db
        .select({ n: count() })
        .from(redemptions)
        .where(and(eq(redemptions.couponId, couponId), isNull(redemptions.voidedAt)));
      return row?.n ?? 0;
    },
  };
}
type ServerModules = Awaited<ReturnType<typeof loadServerModules>>;

/** One coupon's bookkeeping after its load: what the client was told against what was stored. */
type CouponCheck = {
  target: RedeemTarget & { codeId: string };
  limit: number;
  /** 200s the client read (every one an acknowledged redemption). */
  acknowledged: number;
  /** Requests whose answer was lost (timeouts, connection errors): their outcome is unknown to the client. */
  unanswered: number;
  postgres: number;
  /** The Redis gate's `uses` of the coupon (Redis mode only). */
  redisUses?: number;
  problems: string[];
  notes: string[];
};

type TargetReport = {
  mode: GateMode;
  server: ServerKind;
  /** "Redis gate · next start", … */
  label: string;
  origin: string;
  firstSeconds: number;
  firstAttempts: number;
  warmup?: PhaseResult;
  measured: PhaseResult;
  oversell: PhaseResult;
  hot: CouponCheck;
  last: CouponCheck;
};

async function main(): Promise<number> {
  const settings = readSettings();
  const runId = randomBytes(4).toString("hex");
  console.log(
    `checkout.redeem benchmark: ${settings.connections} signed-in shoppers redeeming one hot shared code, Redis gate vs Postgres gate, ` +
      "each through npm start (the production server), next start and a bare node:http handler",
  );
  console.log(`machine:  ${describeMachine()}`);

  console.log("starting a fresh embedded Postgres + redis-server + Upstash bridge (migrate, seed)…");
  const services = await startFreshServices({ verbose: settings.verbose });
  if (services.redisMode !== "local") {
    throw new Error(
      "redis-server is not installed, so there is no Redis gate to measure (npm run setup:system installs it).",
    );
  }
  const modules = await loadServerModules(services.env);
  const adminId = await modules.adminId();
  const shoppers = await modules.createShoppers(settings.connections);

  const buildNote = await buildIfNeeded(settings, productionEnv(services.env));
  throwIfStopping();

  const cartSubtotal = BENCH_CART.items.reduce((sum, item) => sum + item.unitPrice * item.quantity, 0);
  console.log(
    `settings: ${settings.connections} connections, one shopper each (${shoppers.length} shoppers; next start: signed in with Auth.js credentials over HTTP, JWT session cookie; ` +
      `bare node:http: the same shopper's id in ${CUSTOMER_ID_HEADER}, input validated with the router's redeemInput); ` +
      `per target: a fresh coupon FIXED ${(FIXED_AMOUNT / 100).toFixed(2)} USD, limit ${fmt(settings.limit)}, no per-user limit; one request until the first success, ` +
      `${settings.warmupSeconds} s warm-up (discarded) + ${settings.durationSeconds} s measured; then the oversell check: a second fresh coupon with limit ${fmt(settings.oversellLimit)}, ` +
      `${settings.connections} clients until each is refused EXHAUSTED 3 times in a row (at most ${OVERSELL_MAX_SECONDS} s); every request a new orderId and idempotencyKey; ` +
      `targets one after the other, one server process at a time, each gate's next start (same build) and bare server with the same environment on the same Postgres ` +
      `(the Postgres gate's without UPSTASH_REDIS_REST_*); request timeout ${REQUEST_TIMEOUT_MS / 1000} s; ` +
      `cart ${BENCH_CART.currency} subtotal ${cartSubtotal} + shipping ${BENCH_CART.shipping} (minor units); Postgres ${services.postgresMode} (pool ${process.env.DATABASE_POOL_SIZE ?? 10} per server), ` +
      `Redis ${services.redisMode} (redis-server behind the Upstash REST bridge); ${buildNote}`,
  );

  const targets = readTargetFilter();
  const reports: TargetReport[] = [];
  for (const mode of MODES) {
    for (const server of SERVERS) {
      if (targets && !targets.has(`${mode.kind}:${server.launch}`)) continue;
      const idPrefix = `${runId}-${mode.tag.toLowerCase()}-${server.launch}`;
      reports.push(await runTarget(mode, server, { settings, services, modules, adminId, shoppers, idPrefix }));
      throwIfStopping();
    }
  }
  return printReport(reports, settings);
}

/** BENCH_TARGETS=redis:serve,postgres:next,…: only these targets (gate:server; servers serve, next, bare). */
function readTargetFilter(): Set<string> | null {
  const wanted = process.env.BENCH_TARGETS?.split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  if (!wanted?.length) return null;
  const known = MODES.flatMap((mode) => SERVERS.map((server) => `${mode.kind}:${server.launch}`));
  const unknown = wanted.filter((t) => !known.includes(t));
  if (unknown.length > 0)
    throw new Error(`BENCH_TARGETS: unknown target ${unknown.join(", ")} (known: ${known.join(", ")})`);
  return new Set(wanted);
}

type TargetContext = {
  settings: Settings;
  services: LocalServices;
  modules: ServerModules;
  adminId: string;
  shoppers: Shopper[];
  idPrefix: string;
};

/** The server of one target, on a loopback port, tracked (so Ctrl-C stops it too). */
function startServer(
  server: ServerKind,
  name: string,
  port: number,
  env: NodeJS.ProcessEnv,
  echo: boolean,
): ManagedChild {
  if (server.launch === "next") return startNext(name, port, env, echo);
  if (server.launch === "serve") return startProductionServer(name, port, env, echo);
  return startBareServer(name, "bare-redeem-server.ts", port, env, echo);
}

/** One gate behind one server: its own coupons and server process, the load, the counts; the server is stopped before the next target starts. */
async function runTarget(mode: GateMode, server: ServerKind, ctx: TargetContext): Promise<TargetReport> {
  const { settings, services, modules } = ctx;
  const label = `${mode.label} · ${server.label}`;
  const hotTarget = await modules.createHotCoupon(ctx.adminId, `HOT${mode.tag}${server.codeSuffix}`, settings.limit);
  const lastTarget = await modules.createHotCoupon(
    ctx.adminId,
    `LAST${mode.tag}${server.codeSuffix}`,
    settings.oversellLimit,
  );

  const env = productionEnv(services.env);
  // Empty, not absent: the app then has no Redis at all and decides in Postgres (env.ts reads "" as unset).
  if (mode.kind === "postgres") Object.assign(env, { UPSTASH_REDIS_REST_URL: "", UPSTASH_REDIS_REST_TOKEN: "" });
  const port = await findFreePortExcept(RESERVED_PORTS);
  const origin = `http://${HOST}:${port}`;
  const child = startServer(server, `${server.label} (${mode.label})`, port, env, settings.verbose);
  try {
    const healthUrl = `${origin}${server.api === "trpc" ? "/api/health" : "/health"}`;
    await waitForHttp(healthUrl, SERVER_READY_TIMEOUT_MS, child);
    // Anonymous callers get the status only: which gate runs is an admin's view of /api/health.
    const admin = DEMO_ACCOUNTS.find((a) => a.role === "admin")!;
    const adminCookie = server.api === "trpc" ? (await signIn(origin, admin.email, admin.password)).cookie : undefined;
    await assertGateMode(healthUrl, label, mode, adminCookie);
    throwIfStopping();

    let sessions: string[];
    if (server.api === "trpc") {
      console.log(`${label}: on ${origin}; signing in ${ctx.shoppers.length} shoppers…`);
      sessions = await mapLimit(ctx.shoppers, SIGN_IN_CONCURRENCY, async (shopper) => {
        const signedIn = await signIn(origin, shopper.email, SHOPPER_PASSWORD);
        if (signedIn.userId !== shopper.id)
          throw new Error(`${shopper.email} signed in as user ${signedIn.userId}, expected ${shopper.id}`);
        return signedIn.cookie;
      });
    } else {
      console.log(`${label}: on ${origin}; the same ${ctx.shoppers.length} shoppers by id (${CUSTOMER_ID_HEADER})…`);
      sessions = ctx.shoppers.map((shopper) => shopper.id);
    }
    throwIfStopping();

    const url = `${origin}${server.api === "trpc" ? REDEEM_PATH : BARE_REDEEM_PATH}`;
    const first = await firstRedemption(server.api, url, sessions[0]!, hotTarget, `${ctx.idPrefix}-first`, label);
    throwIfStopping();

    const phases: LoadPhase[] = [
      ...(settings.warmupSeconds > 0
        ? [{ name: "warmup", target: hotTarget, stop: { kind: "time" as const, seconds: settings.warmupSeconds } }]
        : []),
      { name: "measured", target: hotTarget, stop: { kind: "time", seconds: settings.durationSeconds } },
      { name: "oversell", target: lastTarget, stop: { kind: "exhausted", maxSeconds: OVERSELL_MAX_SECONDS } },
    ];
    console.log(`${label}: loading ${url} (first redemption after ${first.seconds.toFixed(1)} s)…`);
    const config: RedeemLoadConfig = {
      api: server.api,
      url,
      sessions,
      connections: settings.connections,
      timeoutMs: REQUEST_TIMEOUT_MS,
      idPrefix: ctx.idPrefix,
      phases,
      serverPid: child.process.pid,
    };
    const deadlineMs =
      (settings.warmupSeconds +
        settings.durationSeconds +
        OVERSELL_MAX_SECONDS +
        (2 * REQUEST_TIMEOUT_MS) / 1000 +
        30) *
      1000;
    const results = await runWorker<RedeemLoadConfig, PhaseResult[]>(
      "redeem-load.ts",
      "load client",
      config,
      deadlineMs,
    );
    const phase = (name: string) => results.find((r) => r.name === name);
    const measured = phase("measured");
    const oversell = phase("oversell");
    if (!measured || !oversell)
      throw new Error(
        `the load client answered without the phases asked for: ${results.map((r) => r.name).join(", ")}`,
      );
    const warmup = phase("warmup");

    // Every answer has been read (the client lets requests in flight finish): the counts must agree now.
    const redis =
      mode.kind === "redis"
        ? new modules.Redis({
            url: services.env.UPSTASH_REDIS_REST_URL!,
            token: services.env.UPSTASH_REDIS_REST_TOKEN!,
          })
        : null;
    const hot = await checkCoupon(
      modules,
      redis,
      hotTarget,
      settings.limit,
      [first, ...(warmup ? [warmup] : []), measured],
      false,
    );
    const last = await checkCoupon(
      modules,
      redis,
      lastTarget,
      settings.oversellLimit,
      [oversell],
      oversell.endedBy === "exhausted",
    );
    if (oversell.endedBy === "deadline")
      last.problems.push(`NOT EXHAUSTED: after ${OVERSELL_MAX_SECONDS} s not every client had been refused EXHAUSTED`);
    return {
      mode,
      server,
      label,
      origin,
      firstSeconds: first.seconds,
      firstAttempts: first.attempts,
      warmup,
      measured,
      oversell,
      hot,
      last,
    };
  } finally {
    // One server at a time: this one must be gone before the next one starts.
    await child.stop();
  }
}

/** The health check (/api/health, or the bare server's /health: the same service) says which gate the server runs: Redis up, or Redis off (Postgres-only). */
async function assertGateMode(healthUrl: string, label: string, mode: GateMode, cookie?: string): Promise<void> {
  const response = await fetch(healthUrl, {
    headers: cookie ? { cookie } : {},
    signal: AbortSignal.timeout(30_000),
  });
  const health = (await response.json()) as { redis?: { status?: string } };
  if (health.redis?.status !== mode.expectedRedisHealth) {
    throw new Error(
      `${label}: ${new URL(healthUrl).pathname} reports Redis ${health.redis?.status ?? "?"}, expected ${mode.expectedRedisHealth}: ${JSON.stringify(health)}`,
    );
  }
}

type Tally = { acknowledged: number; unanswered: number; wrongBodies: number };

/**
 * One request at a time until the first redemption: a wrong answer here is a setup problem (e.g. a
 * stale .next), not a figure; 503 is the gate still rebuilding its state, so try again.
 */
async function firstRedemption(
  api: RedeemApi,
  url: string,
  session: string,
  target: RedeemTarget,
  idPrefix: string,
  label: string,
): Promise<Tally & { seconds: number; attempts: number }> {
  const started = performance.now();
  for (let attempt = 1; ; attempt += 1) {
    const ids = { orderId: `${idPrefix}-o${attempt}`, idempotencyKey: `${idPrefix}-k${attempt}` };
    const response = await fetch(url, {
      method: "POST",
      headers: redeemHeaders(api, session),
      body: redeemBody(api, target.code, ids),
      signal: AbortSignal.timeout(FIRST_REDEMPTION_TIMEOUT_MS),
    });
    const outcome = classifyRedeem(api, response.status, await response.text(), target, ids);
    const seconds = (performance.now() - started) / 1000;
    if (outcome.kind === "redeemed")
      return { seconds, attempts: attempt, acknowledged: 1, unanswered: 0, wrongBodies: 0 };
    const retry = outcome.kind === "error" && response.status === 503 && seconds * 1000 < FIRST_REDEMPTION_TIMEOUT_MS;
    if (!retry) {
      const what = outcome.kind === "wrong-body" || outcome.kind === "error" ? outcome.sample : outcome.kind;
      const hint = api === "trpc" ? "\n(a .next built from older sources? run with --build)" : "";
      throw new Error(`${label}: the first redemption before any load was not a success: ${what}${hint}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function checkCoupon(
  modules: ServerModules,
  redis: InstanceType<ServerModules["Redis"]> | null,
  target: CouponCheck["target"],
  limit: number,
  tallies: Tally[],
  soldOut: boolean,
): Promise<CouponCheck> {
  const acknowledged = tallies.reduce((sum, t) => sum + t.acknowledged, 0);
  const unanswered = tallies.reduce((sum, t) => sum + t.unanswered, 0);
  const wrongBodies = tallies.reduce((sum, t) => sum + t.wrongBodies, 0);
  const postgres = await modules.countRedemptions(target.couponId);
  const check: CouponCheck = { target, limit, acknowledged, unanswered, postgres, problems: [], notes: [] };

  if (postgres > limit)
    check.problems.push(`OVERSOLD: Postgres holds ${fmt(postgres)} redemptions for a limit of ${fmt(limit)}`);
  if (acknowledged > limit)
    check.problems.push(
      `OVERSOLD: the client was told "redeemed" ${fmt(acknowledged)} times for a limit of ${fmt(limit)}`,
    );
  if (acknowledged !== postgres) {
    // A request whose answer was lost may still have been redeemed: only that much difference is explained.
    const explained = acknowledged < postgres && postgres - acknowledged <= unanswered;
    if (explained)
      check.notes.push(
        `${fmt(postgres - acknowledged)} of the ${fmt(unanswered)} unanswered requests were redeemed (the client could not count them)`,
      );
    else
      check.problems.push(
        `MISMATCH: the client counted ${fmt(acknowledged)} acknowledged redemptions, Postgres holds ${fmt(postgres)}`,
      );
  }
  if (wrongBodies > 0)
    check.problems.push(`WRONG ANSWERS: ${fmt(wrongBodies)} 200s did not describe the redemption asked for`);
  if (soldOut && postgres < limit)
    check.problems.push(
      `UNDERSOLD: every client was refused EXHAUSTED with ${fmt(postgres)} of ${fmt(limit)} uses sold`,
    );

  if (redis) {
    const [usage] = await modules.readUsage(redis, [
      { couponId: target.couponId, codeIds: [target.codeId], customerId: null },
    ]);
    if (!usage?.loaded)
      check.problems.push("MISMATCH: the Redis gate holds no state for this coupon after redeeming it");
    else {
      check.redisUses = usage.uses;
      if (usage.uses !== postgres)
        check.problems.push(
          `MISMATCH: the Redis gate counts ${fmt(usage.uses)} uses, Postgres holds ${fmt(postgres)} redemptions`,
        );
    }
  }
  return check;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function fmt(n: number): string {
  return n.toLocaleString("en");
}

function ms(value: number): string {
  return Number.isNaN(value) ? "-" : value.toFixed(1);
}

function errorCount(result: PhaseResult): number {
  return Object.values(result.errors).reduce((sum, n) => sum + n, 0);
}

function describeErrors(result: PhaseResult): string {
  const kinds = Object.entries(result.errors).sort((a, b) => b[1] - a[1]);
  return kinds.length === 0 ? "none" : kinds.map(([kind, n]) => `${fmt(n)} ${kind}`).join(", ");
}

function describeCounts(check: CouponCheck): string {
  const redis = check.redisUses === undefined ? "" : `, Redis gate uses ${fmt(check.redisUses)}`;
  return `client counted ${fmt(check.acknowledged)} redeemed, Postgres ${fmt(check.postgres)} redemptions${redis} (limit ${fmt(check.limit)})`;
}

function perSecond(result: PhaseResult): number {
  return result.redeemed / result.elapsedSeconds;
}

/** Prints the figures and every check; returns the exit code (1 when something is broken). */
function printReport(reports: TargetReport[], settings: Settings): number {
  const header = ["target", "redemptions/s", "requests/s", "p50 ms", "p95 ms", "p99 ms", "errors", "requests"];
  const rows = reports.map(({ label, measured }) => [
    label,
    perSecond(measured).toFixed(1),
    ((measured.sent - measured.unanswered) / measured.elapsedSeconds).toFixed(1),
    ms(measured.p50Ms),
    ms(measured.p95Ms),
    ms(measured.p99Ms),
    fmt(errorCount(measured)),
    fmt(measured.sent),
  ]);
  console.log("");
  printTable(header, rows);

  const problems: string[] = [];
  for (const r of reports) {
    const { measured, oversell, warmup } = r;
    console.log(`\n${r.label} (${r.origin}):`);
    console.log(
      `  first redemption after ${r.firstSeconds.toFixed(1)} s (${r.firstAttempts} request${r.firstAttempts === 1 ? "" : "s"})` +
        (warmup
          ? `; warm-up ${warmup.elapsedSeconds.toFixed(1)} s: ${fmt(warmup.redeemed)} redeemed, errors: ${describeErrors(warmup)} (discarded)`
          : ""),
    );
    console.log(
      `  measured ${measured.elapsedSeconds.toFixed(2)} s: ${fmt(measured.sent)} requests, ${fmt(measured.redeemed)} redeemed, ${fmt(measured.exhausted)} EXHAUSTED; ` +
        `max ${ms(measured.maxMs)} ms; errors: ${describeErrors(measured)}`,
    );
    for (const sample of measured.errorSamples) console.log(`    e.g. ${sample}`);
    if (measured.serverCpuSeconds !== null) {
      console.log(
        `  ${r.server.processName} process during the measured run: ${(measured.serverCpuSeconds / measured.elapsedSeconds).toFixed(2)} cores busy, ` +
          `${((measured.serverCpuSeconds * 1000) / Math.max(1, measured.sent)).toFixed(2)} ms CPU per request`,
      );
    }
    if (measured.cpuSeconds) {
      const per = (seconds: number) => ((seconds * 1000) / Math.max(1, measured.sent)).toFixed(2);
      const c = measured.cpuSeconds;
      console.log(
        `  CPU per request on the whole box (ms): Postgres ${per(c.postgres)}, Redis ${per(c.redis)}, ` +
          `bench + Upstash bridge ${per(c.bridge)}, load generator ${per(c.load)}; machine ${per(c.machine)} ` +
          `(${(c.machine / measured.elapsedSeconds).toFixed(2)} of ${availableParallelism()} cores busy)`,
      );
    }
    console.log(
      `  hot coupon ${r.hot.target.code}: ${describeCounts(r.hot)} -> ${r.hot.problems.length === 0 ? "OK" : "BROKEN"}`,
    );
    console.log(
      `  oversell check, coupon ${r.last.target.code}: ${settings.connections} clients, ${oversell.elapsedSeconds.toFixed(2)} s, ${fmt(oversell.sent)} requests: ` +
        `${fmt(oversell.redeemed)} redeemed, ${fmt(oversell.exhausted)} EXHAUSTED, p99 ${ms(oversell.p99Ms)} ms, errors: ${describeErrors(oversell)}; ` +
        `${oversell.endedBy === "exhausted" ? "every client refused EXHAUSTED at the end" : "NOT exhausted in time"}`,
    );
    for (const sample of oversell.errorSamples) console.log(`    e.g. ${sample}`);
    console.log(`    ${describeCounts(r.last)} -> ${r.last.problems.length === 0 ? "OK" : "BROKEN"}`);
    for (const [what, check] of [
      ["hot coupon", r.hot],
      ["oversell check", r.last],
    ] as const) {
      for (const note of check.notes) console.log(`    note (${what}): ${note}`);
      for (const problem of check.problems) problems.push(`${r.label}, ${what} ${check.target.code}: ${problem}`);
    }
  }

  // a/b of the measured runs: redemptions/s above 1 and p99 below 1 = a is faster.
  const measuredOf = (kind: GateMode["kind"], launch: ServerKind["launch"]) =>
    reports.find((r) => r.mode.kind === kind && r.server.launch === launch)?.measured;
  const pairs: Array<[string, PhaseResult | undefined, PhaseResult | undefined]> = [
    ["Redis/Postgres, npm start", measuredOf("redis", "serve"), measuredOf("postgres", "serve")],
    ["Redis/Postgres, next start", measuredOf("redis", "next"), measuredOf("postgres", "next")],
    ["Redis/Postgres, bare node:http", measuredOf("redis", "bare"), measuredOf("postgres", "bare")],
    ["npm start/next start, Redis gate", measuredOf("redis", "serve"), measuredOf("redis", "next")],
    ["bare/npm start, Redis gate", measuredOf("redis", "bare"), measuredOf("redis", "serve")],
  ];
  const ratioRows = pairs.flatMap(([name, a, b]) =>
    a && b ? [[name, `${(perSecond(a) / perSecond(b)).toFixed(2)}x`, `${(a.p99Ms / b.p99Ms).toFixed(2)}x`]] : [],
  );
  if (ratioRows.length > 0) {
    console.log("\nratios (redemptions/s above 1 and p99 below 1 = the first named is faster):");
    printTable(["ratio", "redemptions/s", "p99"], ratioRows);
  }

  if (problems.length === 0) {
    console.log(
      `\noversell check: OK in all ${reports.length} targets (no oversell; client, Postgres and the Redis gate agree)`,
    );
    return 0;
  }
  const bar = "!".repeat(100);
  console.error(`\n${bar}\n!!! BROKEN: ${problems.length} problem${problems.length === 1 ? "" : "s"}`);
  for (const problem of problems) console.error(`!!!   ${problem}`);
  console.error(bar);
  return 1;
}

/** First column left-aligned, the others right-aligned. */
function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("   ");
  console.log(`${line(header)}\n${widths.map((w) => "-".repeat(w)).join("   ")}`);
  for (const row of rows) console.log(line(row));
}

runBenchmark(main);
