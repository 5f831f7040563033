import proxyAddr from "proxy-addr";
import { z } from "zod";

/**
 * The only reader of process.env (STYLE.md). Parsed lazily and once, so that
 * `next build` can import modules without a database configured, and every
 * problem is reported together with a clear message.
 */
const intFrom = (fallback: number, min: number, max: number) =>
  z.coerce
    .number({ error: `must be a whole number from ${min} to ${max}` })
    .int(`must be a whole number from ${min} to ${max}`)
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .default(fallback);

const optionalUrl = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value ? value : undefined))
  .pipe(z.url().optional());

const key32 = z
  .string({ error: "is required: 32 bytes as 64 hex characters (openssl rand -hex 32)" })
  .regex(/^[0-9a-fA-F]{64}$/, "must be 32 bytes as 64 hex characters (openssl rand -hex 32)");

/**
 * TRUST_PROXY: unset, "" or "false": no proxy, the socket's address is the client's; a whole number N:
 * the N nearest hops are proxies (their X-Forwarded-For entries are believed); else a comma-separated
 * list of addresses, CIDR ranges or proxy-addr's names (loopback, linklocal, uniquelocal).
 */
export type TrustProxy = { kind: "none" } | { kind: "hops"; hops: number } | { kind: "list"; entries: string[] };
const trustProxy = z
  .string()
  .trim()
  .optional()
  .transform((value, ctx): TrustProxy => {
    if (!value || value === "false" || value === "0") return { kind: "none" };
    if (/^\d+$/.test(value)) {
      const hops = Number(value);
      if (hops > 10) ctx.addIssue({ code: "custom", message: "a hop count is at most 10" });
      return { kind: "hops", hops };
    }
    const entries = value
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean);
    try {
      proxyAddr.compile(entries);
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        message: `must be a hop count or a comma-separated list of IPs/CIDRs (${error instanceof Error ? error.message : String(error)})`,
      });
    }
    return { kind: "list", entries };
  });

const DEFAULT_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: z
      .string({ error: "is required (the dev runner sets it for the embedded Postgres)" })
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL"),
    DATABASE_POOL_SIZE: intFrom(10, 1, 200),
    UPSTASH_REDIS_REST_URL: optionalUrl,
    UPSTASH_REDIS_REST_TOKEN: z.string().optional(),
    AUTH_SECRET: z
      .string({ error: "is required (any random string of 32+ characters)" })
      .min(32, "must be at least 32 characters"),
    CODE_HMAC_KEY: key32,
    CODE_ENCRYPTION_KEY: key32,
    DEFAULT_EXPIRATION_DAYS: intFrom(30, 1, 3650),
    LOCK_TTL_SECONDS: intFrom(300, 5, 86_400),
    /** Live locks one shopper may hold on one coupon at a time (lock hoarding). */
    MAX_LIVE_LOCKS_PER_CUSTOMER: intFrom(1, 1, 1_000),
    MAX_CODES_PER_CART: intFrom(5, 1, 20),
    CODE_LENGTH: intFrom(10, 6, 16),
    CODE_ALPHABET: z
      .string()
      .regex(/^[A-Z0-9]{10,36}$/, "must be 10-36 distinct characters of A-Z0-9")
      .refine((s) => new Set(s).size === s.length, "must not repeat characters")
      .default(DEFAULT_CODE_ALPHABET),
    RECONCILE_INTERVAL_SECONDS: intFrom(60, 5, 86_400),
    RATE_LIMIT_FAILED_CODES_PER_IP: intFrom(30, 1, 100_000),
    RATE_LIMIT_FAILED_CODES_PER_USER: intFrom(10, 1, 100_000),
    RATE_LIMIT_FAILED_CODES_PER_IP_SIGNED_IN: intFrom(300, 1, 1_000_000),
    RATE_LIMIT_WINDOW_SECONDS: intFrom(600, 1, 86_400),
    RATE_LIMIT_SIGN_IN_PER_ACCOUNT: intFrom(10, 1, 100_000),
    RATE_LIMIT_SIGN_IN_PER_IP: intFrom(50, 1, 1_000_000),
    RATE_LIMIT_SIGN_IN_WINDOW_SECONDS: intFrom(900, 1, 86_400),
    /** New guest ids one address may start per hour (each guest holds its own live locks). */
    RATE_LIMIT_GUEST_IDS_PER_IP: intFrom(20, 1, 1_000_000),
    RATE_LIMIT_API_KEY_REQUESTS: intFrom(1_200, 1, 10_000_000),
    RATE_LIMIT_API_KEY_WINDOW_SECONDS: intFrom(60, 1, 86_400),
    RATE_LIMIT_FAILED_CODES_PER_API_KEY: intFrom(1_000, 1, 10_000_000),
    /** Which peers may tell the client address (X-Forwarded-For): none by default (README, Production). */
    TRUST_PROXY: trustProxy,
    /** A configured DATABASE_URL gets the demo accounts and coupons only with SEED_DEMO=1. */
    SEED_DEMO: z
      .enum(["", "0", "1", "true", "false"], { error: 'must be "1" or "0"' })
      .optional()
      .transform((value) => value === "1" || value === "true"),
  })
  .superRefine((env, ctx) => {
    if (env.UPSTASH_REDIS_REST_URL && !env.UPSTASH_REDIS_REST_TOKEN) {
      ctx.addIssue({
        code: "custom",
        path: ["UPSTASH_REDIS_REST_TOKEN"],
        message: "is required when UPSTASH_REDIS_REST_URL is set",
      });
    }
  });

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  override name = "EnvError";
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  - ${issue.path.join(".") || "(env)"}: ${issue.message}`);
  throw new EnvError(`Invalid configuration:\n${lines.join("\n")}`);
}

let cached: Env | undefined;

/** The validated configuration; throws EnvError listing every problem. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Whether a Redis (Upstash REST) endpoint is configured. */
export function isRedisConfigured(): boolean {
  return Boolean(env().UPSTASH_REDIS_REST_URL);
}
