import { afterEach, describe, expect, it } from "vitest";
import { createDatabase, getDb } from "@/server/db/client";
import { updateUserAccess } from "@/server/db/queries/users";
import { env } from "@/server/env";
import { authenticateUser } from "./authenticate-user";
import { createUser } from "./create-user";

const RUN = Math.random().toString(36).slice(2, 8);
const PASSWORD = "correct horse battery";
const globals = globalThis as unknown as { couponDb?: unknown };
const saved = globals.couponDb;

afterEach(() => {
  globals.couponDb = saved;
});

async function account(name: string) {
  return createUser(getDb(), { email: `${name}-${RUN}@signin.example`, role: "shopper", password: PASSWORD });
}

/** Every later call fails to reach Postgres: a throttled attempt must not need it (nor argon2id). */
async function withDeadDatabase<T>(run: () => Promise<T>): Promise<T> {
  const dead = createDatabase("postgres://nobody:nothing@127.0.0.1:9/none", { max: 1 });
  globals.couponDb = dead;
  try {
    return await run();
  } finally {
    globals.couponDb = saved;
    await dead.sql.end({ timeout: 1 });
  }
}

describe("sign-in throttling (before the database and argon2id)", () => {
  it("per account: after the limit of failures even the right password is refused, from any address", async () => {
    const user = await account("per-account");
    const limit = env().RATE_LIMIT_SIGN_IN_PER_ACCOUNT;
    for (let i = 0; i < limit; i += 1)
      expect(await authenticateUser(user.email, "wrong password", { ip: `10.40.${i}.1` })).toBeNull();
    expect(await authenticateUser(user.email, PASSWORD, { ip: "10.40.200.1" })).toBe("throttled");
    expect(await authenticateUser(user.email.toUpperCase(), PASSWORD, { ip: "10.40.200.2" })).toBe("throttled");
    // Answered without Postgres: the attempt was refused before the look-up.
    expect(await withDeadDatabase(() => authenticateUser(user.email, PASSWORD, { ip: "10.40.200.3" }))).toBe(
      "throttled",
    );
  });

  it("per address: one address trying many accounts is refused once over its limit", async () => {
    const ip = `10.41.${Math.floor(Math.random() * 250)}.7`;
    const limit = env().RATE_LIMIT_SIGN_IN_PER_IP;
    let refused = 0;
    for (let i = 0; i < limit + 5; i += 1) {
      const answer = await authenticateUser(`nobody-${i}-${RUN}@signin.example`, "guess", { ip });
      if (answer === "throttled") refused += 1;
    }
    expect(refused).toBe(5);
    const user = await account("per-ip");
    expect(await authenticateUser(user.email, PASSWORD, { ip })).toBe("throttled");
    // Another address is not affected.
    expect(await authenticateUser(user.email, PASSWORD, { ip: "10.41.255.1" })).toMatchObject({ email: user.email });
  });

  it("a successful sign-in gives its attempt back; a disabled account cannot sign in", async () => {
    const user = await account("success");
    const limit = env().RATE_LIMIT_SIGN_IN_PER_ACCOUNT;
    for (let i = 0; i < limit + 3; i += 1)
      expect(await authenticateUser(user.email, PASSWORD, { ip: "10.42.0.1" })).toMatchObject({ id: user.id });
    await updateUserAccess(getDb(), user.email, { disabled: true });
    expect(await authenticateUser(user.email, PASSWORD, { ip: "10.42.0.2" })).toBeNull();
  });
});
