import { createHash } from "node:crypto";
import type { Redis } from "@upstash/redis";
import { LUA_PRELUDE } from "./lua";

export type GateScript = { readonly name: string; readonly source: string; readonly sha: string };

/** A gate script: the shared prelude plus its body, addressed by SHA-1 (EVALSHA). */
export function defineGateScript(name: string, body: string): GateScript {
  const source = `-- couponforge gate: ${name}\n${LUA_PRELUDE}\n${body}`;
  return { name, source, sha: createHash("sha1").update(source, "utf8").digest("hex") };
}

// One SCRIPT LOAD per script at a time, shared by every caller that hit NOSCRIPT: under a burst,
// thousands of EVALs each carrying the source would be auto-pipelined into one huge request.
const loading = new WeakMap<Redis, Map<string, Promise<unknown>>>();

function loadOnce(redis: Redis, script: GateScript): Promise<unknown> {
  let byScript = loading.get(redis);
  if (!byScript) loading.set(redis, (byScript = new Map()));
  let pending = byScript.get(script.sha);
  if (!pending) {
    pending = redis.scriptLoad(script.source).finally(() => byScript.delete(script.sha));
    byScript.set(script.sha, pending);
  }
  return pending;
}

/** Runs a script in one round trip (EVALSHA); after a Redis restart or flush (NOSCRIPT) it loads it once and retries. */
export async function runGateScript(
  redis: Redis,
  script: GateScript,
  keys: string[],
  args: string[],
): Promise<unknown> {
  try {
    return await redis.evalsha(script.sha, keys, args);
  } catch (error) {
    if (!(error instanceof Error && error.message.includes("NOSCRIPT"))) throw error;
    await loadOnce(redis, script);
    return redis.evalsha(script.sha, keys, args);
  }
}
