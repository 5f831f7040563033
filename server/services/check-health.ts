import { getDb } from "@/server/db/client";
import { pingDatabase } from "@/server/db/queries/ping-database";
import { getRedis } from "@/server/redis/client";
import { pingRedis } from "@/server/redis/ping-redis";

export type DependencyHealth = { status: "up" | "down" | "off"; latencyMs?: number; error?: string };
export type Health = {
  status: "ok" | "degraded" | "down";
  postgres: DependencyHealth;
  redis: DependencyHealth;
  checkedAt: string;
};

const PROBE_TIMEOUT_MS = 2_000;

async function probe(check: () => Promise<void>): Promise<DependencyHealth> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
      }),
    ]);
    return { status: "up", latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (error) {
    return { status: "down", error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** Postgres is required (down = down); Redis is optional (down = degraded, the gate falls back). */
export async function checkHealth(): Promise<Health> {
  const redis = getRedis();
  const [postgres, redisHealth] = await Promise.all([
    probe(() => pingDatabase(getDb())),
    redis ? probe(() => pingRedis(redis)) : Promise.resolve<DependencyHealth>({ status: "off" }),
  ]);
  const status = postgres.status !== "up" ? "down" : redisHealth.status === "down" ? "degraded" : "ok";
  return { status, postgres, redis: redisHealth, checkedAt: new Date().toISOString() };
}
