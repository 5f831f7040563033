/**
 * `tsx tools/bench/redeem-round-trips.ts`: how many Redis and Postgres round trips one checkout.redeem costs
 * through the production server (`npm start`, Redis gate), counted on the wire: the server talks to
 * Postgres and to the Upstash bridge through two counting proxies started here. Requests go one at a time
 * (no group commit, no coalescing between requests), so the counts are per redemption and do not depend on
 * the machine's speed: the robust figure on a noisy box, next to bench:redeem's throughput. Also prints
 * the front process's CPU per redemption at one request at a time.
 *
 * Counted: Redis: REST requests to the bridge (each one round trip) and the commands in them, by name
 * (a script by its name when the server loaded it here); Postgres: Sync and simple Query messages (each one
 * round trip) and Execute messages (statements). An idle window of the same length is counted first and
 * printed too (background jobs), so it can be told apart.
 *
 * With --connections N (default 1) N shoppers redeem at once, each one request at a time: then the
 * server's group commit and coalescing share round trips between requests, and the counts depend on
 * how many requests meet, i.e. on the machine's speed.
 *
 *   tsx tools/bench/redeem-round-trips.ts [--requests 200] [--connections 1]
 */
import http from "node:http";
import net from "node:net";
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import {
  HOST,
  productionEnv,
  RESERVED_PORTS,
  runBenchmark,
  startFreshServices,
  startProductionServer,
} from "./harness";
import { findFreePortExcept, waitForHttp } from "./processes";
import { classifyRedeem, FIXED_AMOUNT, REDEEM_PATH, redeemBody, redeemHeaders } from "./redeem-scenario";
import { signIn } from "./sign-in";

const SHOPPER_PASSWORD = "trips-shopper-pass";
const USAGE = "tsx tools/bench/redeem-round-trips.ts [--requests 200] [--connections 1]";

type Counts = { redisRequests: number; redisCommands: Map<string, number>; pgSyncs: number; pgExecutes: number };

function emptyCounts(): Counts {
  return { redisRequests: 0, redisCommands: new Map(), pgSyncs: 0, pgExecutes: 0 };
}

let counts = emptyCounts();
const scriptNames = new Map<string, string>();

function nameScript(source: string): string {
  const match = /--\s*couponforge[^:\n]*:\s*([^\n]+)/.exec(source) ?? /--\s*([^\n]+)/.exec(source);
  return match?.[1]?.trim().slice(0, 40) ?? "script";
}

async function sha1Hex(text: string): Promise<string> {
  const { createHash } = await import("node:crypto");
  return createHash("sha1").update(text, "utf8").digest("hex");
}

/** A command's name for the tally: scripts by the name in their first comment line, when seen. */
async function commandName(command: unknown[]): Promise<string> {
  const name = String(command[0] ?? "?").toUpperCase();
  if (name === "EVAL" || (name === "SCRIPT" && String(command[1]).toUpperCase() === "LOAD")) {
    const source = String(name === "EVAL" ? command[1] : command[2]);
    scriptNames.set(await sha1Hex(source), nameScript(source));
    return `${name} ${nameScript(source)}`;
  }
  if (name === "EVALSHA") return `EVALSHA ${scriptNames.get(String(command[1])) ?? String(command[1]).slice(0, 8)}`;
  return name;
}

/** An HTTP proxy in front of the Upstash bridge that counts requests and the commands in them. */
function startRedisProxy(target: string): Promise<{ url: string; close(): void }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        counts.redisRequests += 1;
        try {
          const parsed = JSON.parse(body.toString("utf8")) as unknown[];
          const commands = Array.isArray(parsed[0]) ? (parsed as unknown[][]) : [parsed];
          for (const command of commands) {
            const name = await commandName(command);
            counts.redisCommands.set(name, (counts.redisCommands.get(name) ?? 0) + 1);
          }
        } catch {
          counts.redisCommands.set("(unparsed)", (counts.redisCommands.get("(unparsed)") ?? 0) + 1);
        }
        const headers: Record<string, string> = {};
        for (const [key, value] of Object.entries(req.headers))
          if (typeof value === "string" && key !== "host" && key !== "content-length" && key !== "connection")
            headers[key] = value;
        const answer = await fetch(`${target}${req.url ?? "/"}`, {
          method: req.method,
          headers,
          body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
        });
        const out = Buffer.from(await answer.arrayBuffer());
        const outHeaders: Record<string, string> = {};
        answer.headers.forEach((value, key) => {
          if (key !== "content-length" && key !== "transfer-encoding" && key !== "connection") outHeaders[key] = value;
        });
        res.writeHead(answer.status, outHeaders);
        res.end(out);
      })().catch((error: unknown) => {
        res.writeHead(502);
        res.end(String(error));
      });
    });
  });
  return new Promise((resolve) =>
    server.listen(0, HOST, () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({ url: `http://${HOST}:${port}`, close: () => server.close() });
    }),
  );
}

/**
 * A TCP proxy in front of Postgres that reads the frontend messages: Sync ('S') and simple Query ('Q')
 * each end a round trip; Execute ('E') is one statement of the extended protocol.
 */
function startPostgresProxy(targetPort: number): Promise<{ port: number; close(): void }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, HOST);
    sockets.add(client).add(upstream);
    let buffer = Buffer.alloc(0);
    let startup = true;
    client.on("data", (chunk: Buffer) => {
      upstream.write(chunk);
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (startup) {
          if (buffer.length < 8) break;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) break;
          const code = buffer.readInt32BE(4);
          buffer = buffer.subarray(length);
          // SSL or GSS encryption request: the startup message itself follows.
          if (code !== 80877103 && code !== 80877104) startup = false;
          continue;
        }
        if (buffer.length < 5) break;
        const length = buffer.readInt32BE(1);
        if (buffer.length < length + 1) break;
        const type = String.fromCharCode(buffer[0]!);
        if (type === "S" || type === "Q") counts.pgSyncs += 1;
        if (type === "E" || type === "Q") counts.pgExecutes += 1;
        buffer = buffer.subarray(length + 1);
      }
    });
    upstream.on("data", (chunk: Buffer) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  return new Promise((resolve) =>
    server.listen(0, HOST, () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        port,
        close: () => {
          for (const socket of sockets) socket.destroy();
          server.close();
        },
      });
    }),
  );
}

function cpuSecondsOf(pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function readOption(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const n = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new Error(`usage: ${USAGE}`);
  return n;
}

function print(label: string, c: Counts, per: number) {
  const f = (n: number) => (n / per).toFixed(2);
  console.log(`${label}:`);
  console.log(`  Redis REST requests (round trips) ${f(c.redisRequests)}`);
  const commands = [...c.redisCommands.entries()].sort((a, b) => b[1] - a[1]);
  const total = commands.reduce((sum, [, n]) => sum + n, 0);
  console.log(`  Redis commands                    ${f(total)}`);
  for (const [name, n] of commands) console.log(`    ${name.padEnd(40)} ${f(n)}`);
  console.log(`  Postgres round trips (Sync/Query) ${f(c.pgSyncs)}`);
  console.log(`  Postgres statements (Execute)     ${f(c.pgExecutes)}`);
}

async function main(): Promise<number> {
  const requests = readOption("requests", 200);
  const connections = readOption("connections", 1);
  console.log("starting a fresh embedded Postgres + redis-server + Upstash bridge (migrate, seed)…");
  const services = await startFreshServices({ verbose: false });
  Object.assign(process.env, services.env);
  const [
    { createCouponInput, createCodeInput },
    { createCoupon },
    { createCode },
    { getDb },
    { users },
    { eq },
    { hashPassword },
  ] = await Promise.all([
    import("@/server/domain/admin-inputs"),
    import("@/server/services/create-coupon"),
    import("@/server/services/create-code"),
    import("@/server/db/client"),
    import("@/server/db/schema"),
    import("drizzle-orm"),
    import("@/server/auth/password"),
  ]);
  const [admin] = await getDb().select({ id: users.id }).from(users).where(eq(users.email, "admin@demo.test"));
  if (!admin) throw new Error("the seed has no admin@demo.test");
  const code = `TRIPS${randomBytes(3).toString("hex").toUpperCase()}`;
  const coupon = await createCoupon(
    createCouponInput.parse({
      name: `Round trips ${code}`,
      kind: "FIXED",
      value: FIXED_AMOUNT,
      currency: "USD",
      maxRedemptions: 1_000_000,
      validUntil: null,
    }),
    { userId: admin.id },
  );
  await createCode(createCodeInput.parse({ couponId: coupon.id, kind: "SHARED", code }));
  // One shopper per connection, as in bench:redeem (a shopper's concurrent calls share guess checks).
  const passwordHash = await hashPassword(SHOPPER_PASSWORD);
  const shoppers = Array.from({ length: connections }, (_, i) => `trips-shopper-${i + 1}@bench.test`);
  await getDb()
    .insert(users)
    .values(
      shoppers.map((email, i) => ({ email, name: `Trips shopper ${i + 1}`, role: "shopper" as const, passwordHash })),
    );
  const target = { code, couponId: coupon.id, amount: FIXED_AMOUNT };

  const redisProxy = await startRedisProxy(services.env.UPSTASH_REDIS_REST_URL!);
  const pgUrl = new URL(services.env.DATABASE_URL!);
  const pgProxy = await startPostgresProxy(Number(pgUrl.port));
  pgUrl.port = String(pgProxy.port);
  const env = productionEnv({
    ...services.env,
    DATABASE_URL: pgUrl.toString(),
    UPSTASH_REDIS_REST_URL: redisProxy.url,
  });
  const port = await findFreePortExcept(RESERVED_PORTS);
  const origin = `http://${HOST}:${port}`;
  const child = startProductionServer("npm start (counted)", port, env, false);
  try {
    await waitForHttp(`${origin}/api/health`, 120_000, child);
    const cookies: string[] = [];
    for (const email of shoppers) cookies.push((await signIn(origin, email, SHOPPER_PASSWORD)).cookie);
    let n = 0;
    const redeemOnce = async () => {
      n += 1;
      const cookie = cookies[n % cookies.length]!;
      const ids = { orderId: `trips-o${n}`, idempotencyKey: `trips-k${n}` };
      const response = await fetch(`${origin}${REDEEM_PATH}`, {
        method: "POST",
        headers: redeemHeaders("trpc", cookie),
        body: redeemBody("trpc", code, ids),
      });
      const outcome = classifyRedeem("trpc", response.status, await response.text(), target, ids);
      if (outcome.kind !== "redeemed") throw new Error(`redeem ${n}: ${JSON.stringify(outcome)}`);
    };
    // Warm: caches filled, scripts loaded, the gate's state built, connections open.
    for (let i = 0; i < 30; i += 1) await redeemOnce();

    const started = performance.now();
    const cpuBefore = cpuSecondsOf(child.process.pid);
    counts = emptyCounts();
    let left = requests;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (left > 0) {
          left -= 1;
          await redeemOnce();
        }
      }),
    );
    const measured = counts;
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuSecondsOf(child.process.pid) - cpuBefore;

    counts = emptyCounts();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const idle = counts;

    console.log(
      `${requests} redemptions, ${connections} at a time, in ${seconds.toFixed(1)} s; front process CPU ${((cpu * 1000) / requests).toFixed(2)} ms per redemption`,
    );
    print("per redemption", measured, requests);
    print(`idle, the same ${seconds.toFixed(1)} s (per ${requests})`, idle, requests);
  } finally {
    await child.stop();
    redisProxy.close();
    pgProxy.close();
    await services.stop();
  }
  return 0;
}

runBenchmark(main);
