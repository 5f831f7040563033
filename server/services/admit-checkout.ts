import { gateWritePoolSize } from "@/server/db/client";
import { DependencyUnavailableError } from "./errors";

/**
 * Every write the Redis gate approves must land within GATE_WRITE_DEADLINE_MS (the breaker's drain
 * window waits that long, then Postgres counts alone). So the work let onto the gate is bounded before
 * anything is decided: each admitted checkout makes at most one gate write, a write is one statement
 * of a few ms on a healthy Postgres, and with at most WRITES_PER_CONNECTION of them per gate-write
 * connection, an approved write waits a few statements for its connection, far inside the deadline.
 * Only a Postgres that is itself failing makes it miss. Everything else waits here, before deciding.
 */
const WRITES_PER_CONNECTION = 8;
/**
 * The deadline of a waiting checkout: it is refused (503, Retry-After) when the gate has let no one in
 * for this long, i.e. it is stuck (a dependency hanging), not busy. While the line moves, a flash-sale
 * burst waits its turn in order, however long the line (at most MAX_WAITING): a moving line serves it,
 * and a refusal would only send the shopper back to the end. An admitted checkout can legitimately take
 * several seconds while Redis fails (slow errors, the breaker's drain, then a Postgres-gate decision)
 * or when the machine is starved of CPU; every gate step has its own deadline, so only a hang stalls.
 */
export const ADMISSION_STALL_MS = 30_000;
/** Checkouts waiting at once (each a small closure): about a second of a flash sale's peak; beyond, 503 at once. */
const MAX_WAITING = 10_000;
const RETRY_AFTER_SECONDS = 2;

/** Checkouts on the gate at once. */
export function admissionLimit(): number {
  return gateWritePoolSize() * WRITES_PER_CONNECTION;
}

/** One checkout waiting for a place: started when one frees, refused when the line stops moving for it. */
type Waiter = { arrivedAt: number; stallMs: number; start: () => void; refuse: (error: Error) => void };
type Admission = {
  limit: number;
  running: number;
  /** FIFO: waiting[head..] are still waiting (a head index, so letting one in is O(1)). */
  waiting: Waiter[];
  head: number;
  lastStartAt: number;
  /** The one watchdog for every waiter (none while no one waits): no timer or AbortController per call. */
  watchdog: NodeJS.Timeout | null;
  watchdogAt: number;
};
const globalForAdmission = globalThis as unknown as { couponCheckoutAdmission?: Admission };
function admission(): Admission {
  globalForAdmission.couponCheckoutAdmission ??= {
    limit: admissionLimit(),
    running: 0,
    waiting: [],
    head: 0,
    lastStartAt: Date.now(),
    watchdog: null,
    watchdogAt: Infinity,
  };
  return globalForAdmission.couponCheckoutAdmission;
}

const busy = (why: string) =>
  new DependencyUnavailableError(`The checkout is busy (${why}); nothing was reserved. Retry shortly.`, {
    retryAfterSeconds: RETRY_AFTER_SECONDS,
  });

const waitingCount = (state: Admission) => state.waiting.length - state.head;

/**
 * Runs a lock or redeem once it is let onto the gate, or refuses it with a 503 before anything is
 * decided: when too many are already waiting, or when the line stopped moving while it waited.
 * With a place free and no one waiting it starts at once, in this call (the hot path under normal load).
 */
export async function admitCheckout<T>(run: () => Promise<T>, opts: { stallMs?: number } = {}): Promise<T> {
  const state = admission();
  if (state.running < state.limit && waitingCount(state) === 0) {
    state.running += 1;
    return runInPlace(state, run);
  }
  if (waitingCount(state) >= MAX_WAITING) throw busy("too many checkouts waiting");
  // letNextIn takes the place for it before it starts.
  await new Promise<void>((start, refuse) => {
    const waiter = { arrivedAt: Date.now(), stallMs: opts.stallMs ?? ADMISSION_STALL_MS, start, refuse };
    state.waiting.push(waiter);
    watch(state, Math.max(state.lastStartAt, waiter.arrivedAt) + waiter.stallMs);
  });
  return runInPlace(state, run);
}

/** Runs a checkout that holds a place (counted in `running`), then gives the place to the next in line. */
async function runInPlace<T>(state: Admission, run: () => Promise<T>): Promise<T> {
  state.lastStartAt = Date.now();
  try {
    return await run();
  } finally {
    state.running -= 1;
    letNextIn(state);
  }
}

/** A place freed: the longest-waiting checkouts start, each counted as running from here. */
function letNextIn(state: Admission): void {
  while (state.running < state.limit && waitingCount(state) > 0) {
    const next = state.waiting[state.head]!;
    state.waiting[state.head] = undefined as unknown as Waiter;
    state.head += 1;
    // Its place is taken now, so a new arrival cannot take it before it starts.
    state.running += 1;
    next.start();
  }
  if (waitingCount(state) === 0) {
    state.waiting = [];
    state.head = 0;
    if (state.watchdog) clearTimeout(state.watchdog);
    state.watchdog = null;
  } else if (state.head > 1024 && state.head * 2 > state.waiting.length) {
    state.waiting = state.waiting.slice(state.head);
    state.head = 0;
  }
}

/**
 * The deadline of a waiting checkout is stallMs after the later of its arrival and the last start: one
 * timer, set for the earliest such deadline, refuses those that reached theirs and sets itself again.
 */
function watch(state: Admission, earliest: number): void {
  if (state.watchdog && state.watchdogAt <= earliest) return;
  if (state.watchdog) clearTimeout(state.watchdog);
  state.watchdog = null;
  if (earliest === Infinity) return;
  state.watchdogAt = earliest;
  state.watchdog = setTimeout(
    () => {
      state.watchdog = null;
      state.watchdogAt = Infinity;
      const now = Date.now();
      const kept: Waiter[] = [];
      for (let i = state.head; i < state.waiting.length; i += 1) {
        const w = state.waiting[i]!;
        if (now - Math.max(state.lastStartAt, w.arrivedAt) >= w.stallMs) w.refuse(busy("the line is not moving"));
        else kept.push(w);
      }
      state.waiting = kept;
      state.head = 0;
      watch(
        state,
        kept.reduce((at, w) => Math.min(at, Math.max(state.lastStartAt, w.arrivedAt) + w.stallMs), Infinity),
      );
    },
    Math.max(1, earliest - Date.now()),
  );
  state.watchdog.unref();
}
