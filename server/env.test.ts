import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env";

const valid = {
  DATABASE_URL: "postgres://u:p@127.0.0.1:5432/db",
  AUTH_SECRET: "x".repeat(32),
  CODE_HMAC_KEY: "a".repeat(64),
  CODE_ENCRYPTION_KEY: "b".repeat(64),
};

describe("parseEnv", () => {
  it("applies the SPEC defaults", () => {
    const env = parseEnv(valid);
    expect(env).toMatchObject({
      DEFAULT_EXPIRATION_DAYS: 30,
      LOCK_TTL_SECONDS: 300,
      MAX_CODES_PER_CART: 5,
      CODE_LENGTH: 10,
      RECONCILE_INTERVAL_SECONDS: 60,
    });
    expect(env.UPSTASH_REDIS_REST_URL).toBeUndefined();
    expect(env.CODE_ALPHABET).not.toMatch(/[01OIL]/);
  });

  it("coerces numbers and treats an empty Redis URL as unset", () => {
    const env = parseEnv({ ...valid, LOCK_TTL_SECONDS: "60", UPSTASH_REDIS_REST_URL: "" });
    expect(env.LOCK_TTL_SECONDS).toBe(60);
    expect(env.UPSTASH_REDIS_REST_URL).toBeUndefined();
  });

  it("lists every problem at once with the variable's name", () => {
    let error: unknown;
    try {
      parseEnv({ DATABASE_URL: "mysql://x", LOCK_TTL_SECONDS: "abc" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvError);
    const message = (error as Error).message;
    for (const name of ["DATABASE_URL", "AUTH_SECRET", "CODE_HMAC_KEY", "LOCK_TTL_SECONDS"]) {
      expect(message).toContain(name);
    }
    expect(message).toContain("LOCK_TTL_SECONDS: must be a whole number from 5 to 86400");
  });

  it("requires the REST token when a Redis URL is given", () => {
    expect(() => parseEnv({ ...valid, UPSTASH_REDIS_REST_URL: "http://127.0.0.1:1" })).toThrow(
      /UPSTASH_REDIS_REST_TOKEN: is required/,
    );
  });
});
