import type { Redis } from "@upstash/redis";

export async function pingRedis(redis: Redis): Promise<void> {
  const reply = await redis.ping();
  if (reply !== "PONG") throw new Error(`unexpected PING reply: ${String(reply)}`);
}
