/**
 * The load client of `npm run bench:redeem`, forked once per target (gate × server): its own process, so its CPU
 * does not stall the Upstash bridge in the orchestrator's event loop (as load.ts).
 *
 * Not autocannon: every request needs its own orderId and idempotencyKey, every connection its own
 * shopper's session, and a phase must end by letting the requests in flight finish, not by
 * dropping them: an answer the client never read would be a redemption it cannot count, and the
 * oversell check compares the client's count with Postgres.
 *
 * The same client drives checkout.redeem on `next start` (tRPC, session cookies) and the bare node:http
 * server (plain JSON, customer id header), so the two are loaded identically.
 *
 * Receives a RedeemLoadConfig over IPC, runs its phases in order on the same keep-alive connections
 * (one node:http socket per connection) and sends back one PhaseResult per phase.
 */
import { readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import { percentile } from "./percentile";
import { classifyRedeem, redeemBody, redeemHeaders, type RedeemApi, type RedeemTarget } from "./redeem-scenario";

export type PhaseStop =
  | { kind: "time"; seconds: number }
  /** Each connection stops after EXHAUSTED_STREAK EXHAUSTED answers in a row; maxSeconds bounds the phase. */
  | { kind: "exhausted"; maxSeconds: number };

export type LoadPhase = { name: string; target: RedeemTarget; stop: PhaseStop };

export type RedeemLoadConfig = {
  /** Which way in: tRPC on `next start`, or the bare node:http server. */
  api: RedeemApi;
  /** Full URL of checkout.redeem (or the bare server's /redeem), on a loopback address. */
  url: string;
  /** Per connection (connection i uses sessions[i % length]): the session cookie header (tRPC) or the customer id (bare). */
  sessions: string[];
  connections: number;
  timeoutMs: number;
  /** Makes order ids and idempotency keys unique across phases, modes and runs. */
  idPrefix: string;
  phases: LoadPhase[];
  /** The server's pid, to read the CPU time it spends per phase (Linux /proc; omitted elsewhere). */
  serverPid?: number;
};

export type PhaseResult = {
  name: string;
  elapsedSeconds: number;
  endedBy: "time" | "exhausted" | "deadline";
  sent: number;
  /** HTTP 200s: each one a redemption the server acknowledged (wrong bodies included). */
  acknowledged: number;
  /** 200s that were the redemption asked for. */
  redeemed: number;
  wrongBodies: number;
  exhausted: number;
  /** Everything else by kind: other statuses, timeouts, connection errors, wrong bodies. */
  errors: Record<string, number>;
  /** Sent but never answered (timeouts, connection errors): the server may or may not have redeemed them. */
  unanswered: number;
  errorSamples: string[];
  /** Over every answered request of the phase, from raw times. */
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** CPU seconds (user + system) the server process used during the phase; null when unknown. */
  serverCpuSeconds: number | null;
  /**
   * CPU seconds during the phase of everything else on the box that serves the load: Postgres (every
   * `postgres` process), Redis, the benchmark's own process (the Upstash bridge lives there), this load
   * generator, and the whole machine (/proc/stat, so other work on the box shows too). On a 2-core box
   * they share, so the throughput follows their sum per request, not the server's alone.
   */
  cpuSeconds: Record<CpuGroup, number> | null;
};

export type CpuGroup = "postgres" | "redis" | "bridge" | "load" | "machine";

const EXHAUSTED_STREAK = 3;
const MAX_ERROR_SAMPLES = 5;
/** After a connection error: don't spin on a server that is gone. */
const ERROR_PAUSE_MS = 50;

/** Linux reports process times in USER_HZ ticks, 100 per second on every mainstream architecture. */
const USER_HZ = 100;

class RequestTimeout extends Error {}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; null when unreadable. */
function cpuSecondsOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // After the ")" closing the command name come fields 3, 4, …: utime is field 14, stime field 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / USER_HZ : null;
  } catch {
    return null;
  }
}

type CpuSnapshot = { byPid: Map<number, { group: CpuGroup; seconds: number }>; machine: number };

/** CPU seconds used so far by each process of a group, and by the whole machine (see PhaseResult.cpuSeconds). */
function cpuSnapshot(): CpuSnapshot | null {
  try {
    const byPid = new Map<number, { group: CpuGroup; seconds: number }>();
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      const pid = Number(entry);
      let comm: string;
      try {
        comm = readFileSync(`/proc/${entry}/comm`, "utf8").trim();
      } catch {
        continue; // gone meanwhile
      }
      const group: CpuGroup | null =
        pid === process.ppid
          ? "bridge"
          : pid === process.pid
            ? "load"
            : comm === "postgres"
              ? "postgres"
              : comm === "redis-server"
                ? "redis"
                : null;
      const seconds = group ? cpuSecondsOf(pid) : null;
      if (group && seconds !== null) byPid.set(pid, { group, seconds });
    }
    // The first line of /proc/stat: user nice system idle iowait irq softirq steal ... (USER_HZ ticks, all cores).
    const ticks = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    const machine = (ticks.reduce((sum, t) => sum + t, 0) - (ticks[3] ?? 0) - (ticks[4] ?? 0)) / USER_HZ;
    return { byPid, machine };
  } catch {
    return null;
  }
}

/** What each group used between two snapshots (a process started meanwhile counts whole; one that ended is lost). */
function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): Record<CpuGroup, number> {
  const used: Record<CpuGroup, number> = {
    postgres: 0,
    redis: 0,
    bridge: 0,
    load: 0,
    machine: after.machine - before.machine,
  };
  for (const [pid, now] of after.byPid) used[now.group] += now.seconds - (before.byPid.get(pid)?.seconds ?? 0);
  return used;
}

type Answer = { status: number; body: string } | { failure: string };

function post(
  agent: http.Agent,
  url: URL,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<Answer> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        agent,
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") });
        });
        res.on("error", (error) => {
          clearTimeout(timer);
          resolve({ failure: failureOf(error) });
        });
      },
    );
    // A whole-request deadline (not the socket's idle timer): a slow trickle is still a timeout.
    const timer = setTimeout(() => req.destroy(new RequestTimeout()), timeoutMs);
    req.on("error", (error) => {
      clearTimeout(timer);
      resolve({ failure: failureOf(error) });
    });
    req.end(body);
  });
}

function failureOf(error: Error): string {
  if (error instanceof RequestTimeout) return "timeout";
  return `connection error ${(error as NodeJS.ErrnoException).code ?? error.message}`;
}

async function runPhase(config: RedeemLoadConfig, agents: http.Agent[], phase: LoadPhase): Promise<PhaseResult> {
  const url = new URL(config.url);
  const result: PhaseResult = {
    name: phase.name,
    elapsedSeconds: 0,
    endedBy: phase.stop.kind === "time" ? "time" : "exhausted",
    sent: 0,
    acknowledged: 0,
    redeemed: 0,
    wrongBodies: 0,
    exhausted: 0,
    errors: {},
    unanswered: 0,
    errorSamples: [],
    p50Ms: Number.NaN,
    p95Ms: Number.NaN,
    p99Ms: Number.NaN,
    maxMs: Number.NaN,
    serverCpuSeconds: null,
    cpuSeconds: null,
  };
  const latencies: number[] = [];
  const countError = (label: string, sample: string) => {
    result.errors[label] = (result.errors[label] ?? 0) + 1;
    if (result.errorSamples.length < MAX_ERROR_SAMPLES && !result.errorSamples.includes(sample))
      result.errorSamples.push(sample);
  };
  const cpuBefore = cpuSecondsOf(config.serverPid);
  const groupsBefore = cpuSnapshot();
  const started = performance.now();
  const endAt = started + (phase.stop.kind === "time" ? phase.stop.seconds : phase.stop.maxSeconds) * 1000;
  let sequence = 0;

  const connection = async (index: number) => {
    const agent = agents[index]!;
    const headers = redeemHeaders(config.api, config.sessions[index % config.sessions.length]!);
    let exhaustedInARow = 0;
    // The stop is checked before sending, never by abandoning a request in flight.
    while (performance.now() < endAt) {
      sequence += 1;
      const ids = {
        orderId: `${config.idPrefix}-${phase.name}-o${sequence}`,
        idempotencyKey: `${config.idPrefix}-${phase.name}-k${sequence}`,
      };
      result.sent += 1;
      const sentAt = performance.now();
      const answer = await post(agent, url, headers, redeemBody(config.api, phase.target.code, ids), config.timeoutMs);
      if ("failure" in answer) {
        result.unanswered += 1;
        countError(answer.failure, answer.failure);
        await new Promise((resolve) => setTimeout(resolve, ERROR_PAUSE_MS));
        continue;
      }
      latencies.push(performance.now() - sentAt);
      const outcome = classifyRedeem(config.api, answer.status, answer.body, phase.target, ids);
      if (outcome.kind === "redeemed" || outcome.kind === "wrong-body") result.acknowledged += 1;
      if (outcome.kind === "redeemed") result.redeemed += 1;
      else if (outcome.kind === "exhausted") result.exhausted += 1;
      else if (outcome.kind === "wrong-body") {
        result.wrongBodies += 1;
        countError("200 with a wrong body", outcome.sample);
      } else countError(outcome.label, outcome.sample);

      exhaustedInARow = outcome.kind === "exhausted" ? exhaustedInARow + 1 : 0;
      if (phase.stop.kind === "exhausted" && exhaustedInARow >= EXHAUSTED_STREAK) return true;
    }
    return false;
  };

  const stoppedByExhaustion = await Promise.all(Array.from({ length: config.connections }, (_, i) => connection(i)));
  result.elapsedSeconds = (performance.now() - started) / 1000;
  const cpuAfter = cpuSecondsOf(config.serverPid);
  if (cpuBefore !== null && cpuAfter !== null) result.serverCpuSeconds = cpuAfter - cpuBefore;
  const groupsAfter = cpuSnapshot();
  if (groupsBefore && groupsAfter) result.cpuSeconds = cpuBetween(groupsBefore, groupsAfter);
  if (phase.stop.kind === "exhausted" && !stoppedByExhaustion.every(Boolean)) result.endedBy = "deadline";
  latencies.sort((a, b) => a - b);
  result.p50Ms = percentile(latencies, 50);
  result.p95Ms = percentile(latencies, 95);
  result.p99Ms = percentile(latencies, 99);
  result.maxMs = latencies.at(-1) ?? Number.NaN;
  return result;
}

async function runPhases(config: RedeemLoadConfig): Promise<PhaseResult[]> {
  // One socket per connection, kept alive across phases, like a load tool's connections.
  const agents = Array.from({ length: config.connections }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  const results: PhaseResult[] = [];
  try {
    for (const phase of config.phases) results.push(await runPhase(config, agents, phase));
  } finally {
    for (const agent of agents) agent.destroy();
  }
  return results;
}

// Orphaned (the orchestrator is gone): stop rather than load a server nobody reads.
process.once("disconnect", () => process.exit(1));

process.once("message", (config: RedeemLoadConfig) => {
  runPhases(config).then(
    (result) => process.send?.({ ok: true, result }, () => process.exit(0)),
    (error: unknown) =>
      process.send?.({ ok: false, error: error instanceof Error ? error.message : String(error) }, () =>
        process.exit(1),
      ),
  );
});
