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
 * How long a checkout waits to be let in: long enough for a flash-sale burst to drain through the gate
 * (thousands of checkouts of one coupon queue here, a few ms each), short enough that a stuck gate
 * answers 503 with Retry-After instead of holding the shopper.
 */
export const ADMISSION_WAIT_MS = 30_000;
/** Checkouts waiting at once (each is a small closure); beyond, 503 at once. */
const MAX_WAITING = 10_000;
const RETRY_AFTER_SECONDS = 2;

/** Checkouts on the gate at once. */
export function admissionLimit(): number {
  return gateWritePoolSize() * WRITES_PER_CONNECTION;
}

const globalForAdmission = globalThis as unknown as { couponCheckoutAdmission?: PQueue };
function admission(): PQueue {
  globalForAdmission.couponCheckoutAdmission ??= new PQueue({ concurrency: admissionLimit() });
  return globalForAdmission.couponCheckoutAdmission;
}

const busy = (why: string) =>
  new DependencyUnavailableError(
    `The checkout is busy (${why}); nothing was reserved. Retry shortly.`,
    RETRY_AFTER_SECONDS,
  );

/**
 * Runs a lock or redeem once it is let onto the gate, or refuses it with a 503 before anything is
 * decided: when too many are already waiting, or when it waited ADMISSION_WAIT_MS.
 */
export async function admitCheckout<T>(run: () => Promise<T>, opts: { waitMs?: number } = {}): Promise<T> {
  const queue = admission();
  if (queue.size >= MAX_WAITING) throw busy("too many checkouts waiting");
  const waited = new AbortController();
  const timer = setTimeout(() => waited.abort(busy("waited too long")), opts.waitMs ?? ADMISSION_WAIT_MS);
  return queue.add(
    () => {
      // Started: the deadline was for waiting only; a started checkout runs to its end.
      clearTimeout(timer);
      return run();
    },
    { signal: waited.signal },
  );
}
