/**
 * Micro-benchmark of the bridge through the real @upstash/redis client:
 *   npx tsx tools/upstash-bridge/bench.ts [operations=10000] [concurrency=64]
 * Each operation is a SET then a GET of the same key; ops/s counts both commands.
 */
import { Redis } from "@upstash/redis";
import { startRedisServer } from "../local-redis";
import { startUpstashBridge } from "./server";

const OPERATIONS = Number(process.argv[2] ?? 10_000);
const CONCURRENCY = Number(process.argv[3] ?? 64);

async function run(label: string, redis: Redis): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < OPERATIONS) {
      const i = next++;
      await redis.set(`bench:${i}`, `value-${i}`);
      const value = await redis.get<string>(`bench:${i}`);
      if (value !== `value-${i}`) throw new Error(`bench:${i} read back ${String(value)}`);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  const ops = (OPERATIONS * 2) / seconds;
  console.log(
    `${label}: ${OPERATIONS} SET+GET, ${CONCURRENCY} concurrent -> ${Math.round(ops).toLocaleString("en")} commands/s (${seconds.toFixed(2)} s)`,
  );
}

const redisServer = await startRedisServer();
const bridge = await startUpstashBridge({ redisUrl: redisServer.url, token: "bench" });
try {
  const options = { url: bridge.url, token: "bench", enableTelemetry: false };
  await run("warm-up", new Redis({ ...options, enableAutoPipelining: false }));
  await run(
    "one HTTP request per command (enableAutoPipelining: false)",
    new Redis({ ...options, enableAutoPipelining: false }),
  );
  await run("client auto-pipelining (default options)", new Redis(options));
} finally {
  await bridge.close();
  await redisServer.stop();
}
