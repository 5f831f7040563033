import PQueue from "p-queue";
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

type Admission = { queue: PQueue; lastStartAt: number };
const globalForAdmission = globalThis as unknown as { couponCheckoutAdmission?: Admission };
function admission(): Admission {
  globalForAdmission.couponCheckoutAdmission ??= {
    queue: new PQueue({ concurrency: admissionLimit() }),
    lastStartAt: Date.now(),
  };
  return globalForAdmission.couponCheckoutAdmission;
}

const busy = (why: string) =>
  new DependencyUnavailableError(`The checkout is busy (${why}); nothing was reserved. Retry shortly.`, {
    retryAfterSeconds: RETRY_AFTER_SECONDS,
  });

/**
 * Runs a lock or redeem once it is let onto the gate, or refuses it with a 503 before anything is
 * decided: when too many are already waiting, or when the line stopped moving while it waited.
 */
export async function admitCheckout<T>(run: () => Promise<T>, opts: { stallMs?: number } = {}): Promise<T> {
  const state = admission();
  if (state.queue.size >= MAX_WAITING) throw busy("too many checkouts waiting");
  const stallMs = opts.stallMs ?? ADMISSION_STALL_MS;
  const arrivedAt = Date.now();
  const waited = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const watch = () => {
    const now = Date.now();
    const stalledFor = now - Math.max(state.lastStartAt, arrivedAt);
    if (stalledFor >= stallMs) waited.abort(busy("the line is not moving"));
    else timer = setTimeout(watch, stallMs - stalledFor);
  };
  timer = setTimeout(watch, stallMs);
  return state.queue.add(
    () => {
      // Started: the deadline was for waiting only; a started checkout runs to its end.
      clearTimeout(timer);
      state.lastStartAt = Date.now();
      return run();
    },
    { signal: waited.signal },
  );
}
