import { createHash } from "node:crypto";
import type { RedisArg } from "./commands";

/** Script flags redis-server 7.0 understands; anything else in a `#!lua flags=` line makes it reject the script. */
const SUPPORTED_FLAGS = new Set(["no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"]);
/** The alias map only grows with distinct scripts; cap it so a script generator cannot leak memory. */
const MAX_ALIASES = 10_000;

export interface RewrittenCommand {
  args: RedisArg[];
  /** Fixes a reply that names the rewritten script so the client sees the SHA of the script it sent. */
  mapReply?: (reply: unknown) => unknown;
}

/**
 * Makes Upstash-flavoured Lua run on stock Redis 7.0.
 *
 * @upstash/ratelimit scripts start with `#!lua flags=allow-key-locking`, an Upstash-only flag that
 * redis-server rejects. EVAL gets the unknown flags stripped; the client still addresses the script by
 * the SHA-1 of the text it sent, so we remember sha1(original) -> sha1(rewritten) and translate
 * EVALSHA / SCRIPT EXISTS. An EVALSHA for a SHA we have not seen passes through untouched: Redis
 * answers NOSCRIPT and the client falls back to EVAL, which teaches us the alias.
 */
export class ScriptRegistry {
  private readonly aliases = new Map<string, string>();

  rewriteCommand(args: RedisArg[]): RewrittenCommand {
    const name = args[0];
    if (typeof name !== "string") return { args };
    switch (name) {
      case "EVAL":
      case "EVAL_RO":
        return { args: this.replaceAt(args, 1, (script) => this.rewriteScript(script)) };
      case "EVALSHA":
      case "EVALSHA_RO":
        return { args: this.replaceAt(args, 1, (sha) => this.resolveSha(sha)) };
      case "SCRIPT":
        return this.rewriteScriptSubcommand(args);
      default:
        return { args };
    }
  }

  /** Returns the script redis-server should run; records the SHA alias when the text had to change. */
  rewriteScript(script: string): string {
    const rewritten = stripUnsupportedFlags(script);
    if (rewritten !== script) {
      if (this.aliases.size >= MAX_ALIASES) this.aliases.clear();
      this.aliases.set(sha1(script), sha1(rewritten));
    }
    return rewritten;
  }

  resolveSha(sha: string): string {
    return this.aliases.get(sha.toLowerCase()) ?? sha;
  }

  private rewriteScriptSubcommand(args: RedisArg[]): RewrittenCommand {
    const sub = args[1];
    if (typeof sub !== "string") return { args };
    const subcommand = sub.toUpperCase();
    if (subcommand === "LOAD" && typeof args[2] === "string") {
      const original = args[2];
      const rewritten = this.rewriteScript(original);
      if (rewritten === original) return { args };
      // Redis replies with sha1(rewritten); the client expects the SHA of what it loaded.
      const originalSha = sha1(original);
      return {
        args: [args[0] ?? "SCRIPT", sub, rewritten, ...args.slice(3)],
        mapReply: (reply) => (Buffer.isBuffer(reply) ? Buffer.from(originalSha) : reply),
      };
    }
    if (subcommand === "EXISTS") {
      return { args: args.map((arg, i) => (i >= 2 && typeof arg === "string" ? this.resolveSha(arg) : arg)) };
    }
    return { args };
  }

  private replaceAt(args: RedisArg[], index: number, replace: (value: string) => string): RedisArg[] {
    const value = args[index];
    if (typeof value !== "string") return args;
    const next = replace(value);
    if (next === value) return args;
    const copy = args.slice();
    copy[index] = next;
    return copy;
  }
}

/**
 * Drops shebang flags Redis 7.0 does not know, keeping `#!lua` and the known flags so the script keeps
 * shebang semantics and its line numbers (error messages point at the same lines).
 */
export function stripUnsupportedFlags(script: string): string {
  if (!script.startsWith("#!")) return script;
  const newline = script.indexOf("\n");
  const firstLine = newline === -1 ? script : script.slice(0, newline);
  const rest = newline === -1 ? "" : script.slice(newline);
  const match = /^#!(\S+)(.*)$/.exec(firstLine.replace(/\r$/, ""));
  if (!match) return script;
  const engine = match[1] ?? "lua";
  const params = (match[2] ?? "").trim().split(/\s+/).filter(Boolean);
  let changed = false;
  const kept = params.flatMap((param) => {
    if (!param.startsWith("flags=")) return [param];
    const flags = param.slice("flags=".length).split(",").filter(Boolean);
    const supported = flags.filter((flag) => SUPPORTED_FLAGS.has(flag));
    if (supported.length === flags.length) return [param];
    changed = true;
    return supported.length > 0 ? [`flags=${supported.join(",")}`] : [];
  });
  if (!changed) return script;
  return [`#!${engine}`, ...kept].join(" ") + rest;
}

function sha1(text: string): string {
  return createHash("sha1").update(text, "utf8").digest("hex");
}
