/**
 * Two production servers (tools/serve.ts, as `npm start` runs it) on two ports, sharing one Postgres and
 * one Redis (behind the Upstash bridge), as N instances behind a load balancer do. Races redeems of one
 * coupon across both, twice:
 *
 *   1. 2,000 redeems on a limit of 100: exactly 100 succeed, and Postgres holds exactly those 100.
 *   2. The same while redis-server is killed and restarted mid-race: at most 100 succeed, and once every
 *      unanswered call has been retried with its idempotency key, Postgres holds exactly the redemptions
 *      the clients were told about (none lost, none extra).
 *
 * Clients behave as a checkout should: a 5xx or a dropped connection is retried with the same
 * idempotency key, on the other instance. Uses the production build in .next (e2e/many-instances.spec.ts
 * runs this after the e2e server built it). Prints one line `MANY_INSTANCES_REPORT <json>` at the end and
 * exits 1 when an invariant does not hold.
 *
 *   node --conditions=react-server --import tsx tools/many-instances.ts [--verbose]
 */
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import {
  HOST,
  productionEnv,
  RESERVED_PORTS,
  ROOT,
  runBenchmark,
  startFreshServices,
  startProductionServer,
} from "./bench/harness";
import { findFreePortExcept, waitForHttp } from "./bench/processes";
import {
  classifyRedeem,
  FIXED_AMOUNT,
  redeemBody,
  redeemHeaders,
  REDEEM_PATH,
  type RedeemTarget,
} from "./bench/redeem-scenario";
import { signIn } from "./bench/sign-in";
import { startRedisServer, type RedisServerHandle } from "./local-redis";

/** Generous: two servers start at once on a shared machine. */
const READY_TIMEOUT_MS = 300_000;
const REQUESTS = 2_000;
const LIMIT = 100;
/** Concurrent clients; each is one shopper, so no shopper has two checkouts in flight. */
const CLIENTS = 32;
const SHOPPER_PASSWORD = "many-instances-pass";
/** How often one call is retried (same idempotency key) before it counts as unanswered; and the pause. */
const MAX_ATTEMPTS = 40;
const RETRY_PAUSE_MS = 250;
/** Phase 2: Redis dies once this many redemptions succeeded (uses remain), and comes back this much later. */
const KILL_AFTER_REDEMPTIONS = 40;
const REDIS_DOWN_MS = 2_000;

const { values } = parseArgs({ options: { verbose: { type: "boolean", default: false } } });
const verbose = values.verbose === true;

type Call = { orderId: string; idempotencyKey: string };
type PhaseReport = {
  requests: number;
  limit: number;
  /** Calls the clients were told succeeded (HTTP 200 with the redemption asked for). */
  acknowledged: number;
  exhausted: number;
  /** Calls without a definite answer after every retry (should be 0). */
  unanswered: number;
  /** Non-voided redemptions of the coupon in Postgres. */
  postgresCount: number;
  /** Acknowledged calls whose order has no redemption in Postgres (lost: must be 0). */
  lost: number;
  /** Answers that were neither a redemption nor EXHAUSTED, by label (5xx retried away are not counted). */
  otherAnswers: Record<string, number>;
  retries: number;
  redisRestarted: boolean;
  /** Phase 2: calls answered when Redis was killed, and when it was back. */
  answeredAtKill?: number;
  answeredAtRestart?: number;
};

runBenchmark(async () => {
  if (!existsSync(path.join(ROOT, ".next", "BUILD_ID")))
    throw new Error("no production build in .next: run `npm run build` (or the e2e suite) first");
  const services = await startFreshServices({ verbose });
  if (services.redisMode !== "local" || !services.redisUrl || services.redisPid === undefined)
    throw new Error("this check needs redis-server (apt-get install redis-server)");
  // The app's modules (for the admin's coupon and the counts) read the same environment as the servers.
  Object.assign(process.env, services.env);
  const app = await loadAppModules();

  const env = productionEnv(services.env);
  const ports = [await findFreePortExcept(RESERVED_PORTS), await findFreePortExcept(RESERVED_PORTS)];
  const origins = ports.map((port) => `http://${HOST}:${port}`);
  const servers = ports.map((port, i) => startProductionServer(`instance ${"AB"[i]}`, port, env, verbose));
  await Promise.all(servers.map((server, i) => waitForHttp(`${origins[i]}/api/health`, READY_TIMEOUT_MS, server)));
  log(`two instances up: ${origins.join(", ")}`);

  // Shoppers sign in on one instance or the other; each session cookie works on both (one AUTH_SECRET).
  const shoppers = await app.createShoppers(CLIENTS);
  const cookies = await Promise.all(
    shoppers.map((email, i) => signIn(origins[i % 2]!, email, SHOPPER_PASSWORD).then((s) => s.cookie)),
  );
  log(`${cookies.length} shoppers signed in`);

  const adminId = await app.adminId();
  const first = await app.createCoupon(adminId, "MANYINST1", LIMIT);
  const calm = await race(first, origins, cookies, app, {});

  let restarted: RedisServerHandle | undefined;
  const second = await app.createCoupon(adminId, "MANYINST2", LIMIT);
  try {
    const faulty = await race(second, origins, cookies, app, {
      fault: {
        afterRedemptions: KILL_AFTER_REDEMPTIONS,
        run: async () => {
          log(`killing redis-server (pid ${services.redisPid}) after ${KILL_AFTER_REDEMPTIONS} redemptions`);
          process.kill(services.redisPid!, "SIGKILL");
          await new Promise((resolve) => setTimeout(resolve, REDIS_DOWN_MS));
          restarted = await startRedisServer({ port: Number(new URL(services.redisUrl!).port) });
          log("redis-server restarted on the same port (empty)");
        },
      },
    });
    const report = { instances: origins.length, calm, faulty };
    console.log(`MANY_INSTANCES_REPORT ${JSON.stringify(report)}`);
    const ok =
      calm.acknowledged === LIMIT &&
      calm.postgresCount === LIMIT &&
      calm.lost === 0 &&
      calm.unanswered === 0 &&
      faulty.redisRestarted &&
      faulty.acknowledged <= LIMIT &&
      faulty.postgresCount === faulty.acknowledged &&
      faulty.lost === 0 &&
      faulty.unanswered === 0;
    return ok ? 0 : 1;
  } finally {
    await restarted?.stop();
  }
});

function log(line: string): void {
  console.log(`[many-instances] ${line}`);
}

/** REQUESTS redeems of `target` by CLIENTS clients, each alternating between the instances. */
async function race(
  target: RedeemTarget,
  origins: string[],
  cookies: string[],
  app: AppModules,
  opts: { fault?: { afterRedemptions: number; run: () => Promise<void> } },
): Promise<PhaseReport> {
  const calls: Call[] = Array.from({ length: REQUESTS }, () => ({
    orderId: `order-${randomUUID()}`,
    idempotencyKey: `idem-${randomUUID()}`,
  }));
  const acknowledged = new Set<string>();
  const unanswered: Array<{ call: Call; client: number }> = [];
  const otherAnswers: Record<string, number> = {};
  let exhausted = 0;
  let retries = 0;
  let answered = 0;
  let redisRestarted = false;
  let faultStarted = false;
  let answeredAtKill: number | undefined;
  let answeredAtRestart: number | undefined;
  let next = 0;

  /** One call until it has a definite answer: redeemed, or refused with a 4xx. */
  const settle = async (call: Call, client: number): Promise<"redeemed" | "refused" | "unanswered"> => {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (attempt > 0) {
        retries++;
        await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
      }
      const origin = origins[(client + attempt) % origins.length]!;
      const response = await fetch(`${origin}${REDEEM_PATH}`, {
        method: "POST",
        headers: redeemHeaders("trpc", cookies[client]!),
        body: redeemBody("trpc", target.code, call),
        signal: AbortSignal.timeout(30_000),
      }).then(
        async (r) => ({ status: r.status, body: await r.text() }),
        () => undefined,
      );
      if (!response || response.status >= 500) continue; // unanswered: retry with the same key
      const outcome = classifyRedeem("trpc", response.status, response.body, target, call);
      if (outcome.kind === "redeemed") {
        acknowledged.add(call.orderId);
        return "redeemed";
      }
      if (outcome.kind === "exhausted") exhausted++;
      else {
        const label = outcome.kind === "wrong-body" ? "HTTP 200, not the redemption asked for" : outcome.label;
        otherAnswers[label] = (otherAnswers[label] ?? 0) + 1;
        if (verbose) log(`${label}: ${outcome.sample}`);
      }
      return "refused";
    }
    return "unanswered";
  };

  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let i = next++; i < calls.length; i = next++) {
        const call = calls[i]!;
        const outcome = await settle(call, client);
        if (outcome === "unanswered") unanswered.push({ call, client });
        answered++;
        // The other clients go on while the fault runs (once: the flag is set before the first await).
        if (opts.fault && !faultStarted && acknowledged.size >= opts.fault.afterRedemptions) {
          faultStarted = true;
          answeredAtKill = answered;
          await opts.fault.run();
          answeredAtRestart = answered;
          redisRestarted = true;
        }
      }
    }),
  );
  // Once everything has settled: every call without an answer gets one, from its stored result.
  const stillUnanswered: Call[] = [];
  for (const { call, client } of unanswered)
    if ((await settle(call, client)) === "unanswered") stillUnanswered.push(call);

  const postgresCount = await app.countRedemptions(target.couponId);
  const inPostgres = await app.ordersWithRedemptions(target.couponId);
  const lost = [...acknowledged].filter((orderId) => !inPostgres.has(orderId)).length;
  const report: PhaseReport = {
    requests: REQUESTS,
    limit: LIMIT,
    acknowledged: acknowledged.size,
    exhausted,
    unanswered: stillUnanswered.length,
    postgresCount,
    lost,
    otherAnswers,
    retries,
    redisRestarted,
    answeredAtKill,
    answeredAtRestart,
  };
  log(JSON.stringify(report));
  return report;
}

/** The app's own modules, loaded once the services' environment is set (they read it on first use). */
async function loadAppModules() {
  const [
    { and, count, eq, isNull },
    { hashPassword },
    { getDb },
    { redemptions, users },
    { findUserByEmail },
    { callTrpcHttp, sessionFor },
  ] = await Promise.all([
    import("drizzle-orm"),
    import("@/server/auth/password"),
    import("@/server/db/client"),
    import("@/server/db/schema"),
    import("@/server/db/queries/find-user-by-email"),
    import("@/server/api/test-http"),
  ]);
  const db = getDb();
  let admin: { id: string; email: string } | undefined;
  return {
    async adminId(): Promise<string> {
      const found = await findUserByEmail(db, "admin@demo.test");
      if (!found) throw new Error("the seed has no admin@demo.test");
      admin = { id: found.id, email: found.email };
      return found.id;
    },

    /** Shoppers share one password, so one argon2id hash serves them all (each sign-in still verifies it). */
    async createShoppers(n: number): Promise<string[]> {
      const passwordHash = await hashPassword(SHOPPER_PASSWORD);
      const emails = Array.from({ length: n }, (_, i) => `instance-shopper-${i + 1}@many.test`);
      await db
        .insert(users)
        .values(
          emails.map((email, i) => ({ email, name: `Shopper ${i + 1}`, role: "shopper" as const, passwordHash })),
        );
      return emails;
    },

    /** As an admin would, through the API (admin.coupons.create, admin.codes.create): FIXED 100.00 USD. */
    async createCoupon(adminId: string, code: string, maxRedemptions: number): Promise<RedeemTarget> {
      const session = sessionFor({ id: adminId, email: admin?.email ?? "admin@demo.test", role: "admin" });
      const coupon = await callTrpcHttp("admin.coupons.create", {
        session,
        input: {
          name: `Many instances ${code}`,
          kind: "FIXED",
          value: FIXED_AMOUNT,
          currency: "USD",
          maxRedemptions,
          validUntil: null,
        },
      });
      const couponId = (coupon.body as { result?: { data?: { json?: { id?: string } } } }).result?.data?.json?.id;
      if (coupon.status !== 200 || !couponId)
        throw new Error(`admin.coupons.create: HTTP ${coupon.status} ${JSON.stringify(coupon.body).slice(0, 300)}`);
      const created = await callTrpcHttp("admin.codes.create", { session, input: { couponId, kind: "SHARED", code } });
      if (created.status !== 200)
        throw new Error(`admin.codes.create: HTTP ${created.status} ${JSON.stringify(created.body).slice(0, 300)}`);
      return { code, couponId, amount: FIXED_AMOUNT };
    },

    /** Redemptions that count: not voided. */
    async countRedemptions(couponId: string): Promise<number> {
      const [row] = await db
        .select({ n: count() })
        .from(redemptions)
        .where(and(eq(redemptions.couponId, couponId), isNull(redemptions.voidedAt)));
      return row?.n ?? 0;
    },

    async ordersWithRedemptions(couponId: string): Promise<Set<string>> {
      const rows = await db
        .select({ orderId: redemptions.orderId })
        .from(redemptions)
        .where(and(eq(redemptions.couponId, couponId), isNull(redemptions.voidedAt)));
      return new Set(rows.map((row) => row.orderId));
    },
  };
}
type AppModules = Awaited<ReturnType<typeof loadAppModules>>;
