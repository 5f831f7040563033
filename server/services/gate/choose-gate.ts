import { getDb } from "@/server/db/client";
import { currentGateMode } from "@/server/redis/circuit-breaker";
import { getRedis } from "@/server/redis/client";
import { GateUnavailableError, type Gate } from "./gate";
import { PostgresGate } from "./postgres-gate";
import { RedisGate } from "./redis-gate";

/**
 * Runs a decision on the gate the breaker trusts now: the Redis gate while it is closed, the Postgres
 * gate once it is open and drained (a draining breaker is waited out: writes the Redis gate approved are
 * still landing). A Redis failure before anything was reserved, or a breaker that closed meanwhile,
 * moves the decision to the other gate once.
 */
export async function withGate<T>(decide: (gate: Gate) => Promise<T>): Promise<T> {
  try {
    return await decide(await drainedGate());
  } catch (error) {
    if (!(error instanceof GateUnavailableError)) throw error;
    return decide(await drainedGate());
  }
}

/** The gate to read from or release on now, without waiting: Postgres while the breaker is not closed. */
export function gateNow(): Gate {
  const redis = getRedis();
  return redis && currentGateMode().kind === "redis" ? new RedisGate(redis) : new PostgresGate(getDb());
}

async function drainedGate(): Promise<Gate> {
  for (;;) {
    const mode = currentGateMode();
    if (mode.kind !== "draining") return gateNow();
    await new Promise((resolve) => setTimeout(resolve, Math.max(10, mode.untilMs - Date.now())));
  }
}
