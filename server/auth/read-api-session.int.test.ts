import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { getDb } from "@/server/db/client";
import { findUserByEmail } from "@/server/db/queries/find-user-by-email";
import { updateUserAccess } from "@/server/db/queries/users";
import { env } from "@/server/env";
import { confirmSessionUser, SESSION_USER_RECHECK_MS } from "@/server/services/confirm-session-user";
import { createUser } from "@/server/services/create-user";
import { readApiSession } from "./read-api-session";

const COOKIE = "authjs.session-token";
const RUN = Math.random().toString(36).slice(2, 8);

async function requestWith(
  token: Record<string, unknown>,
  opts: { url?: string; cookie?: string; maxAge?: number } = {},
) {
  const jwt = await encode({ token, secret: env().AUTH_SECRET, salt: opts.cookie ?? COOKIE, maxAge: opts.maxAge });
  return {
    jwt,
    request: new Request(opts.url ?? "http://localhost/api/trpc/x", {
      headers: { cookie: `${opts.cookie ?? COOKIE}=${jwt}` },
    }),
  };
}

/** An account of this file's own (no other test file's sessions change with it). */
let accounts = 0;
async function ownAccount(role: "admin" | "shopper") {
  accounts += 1;
  return createUser(getDb(), {
    email: `session-${role}-${accounts}-${RUN}@test.example`,
    role,
    password: "a-long-enough-password",
  });
}

describe("readApiSession", () => {
  it("reads the user, role and expiry Auth.js put in the session cookie", async () => {
    const admin = await findUserByEmail(getDb(), "admin@demo.test");
    const { request } = await requestWith({ sub: admin!.id, email: admin!.email, name: "A", role: "admin" });
    const session = await readApiSession(request);
    expect(session?.user).toMatchObject({ id: admin!.id, email: admin!.email, role: "admin" });
    expect(new Date(session!.expires).getTime()).toBeGreaterThan(Date.now());
  });

  it("uses the __Secure- cookie behind https", async () => {
    const bob = await findUserByEmail(getDb(), "bob@shop.test");
    const { request } = await requestWith(
      { sub: bob!.id, role: "shopper" },
      { url: "https://shop.test/api/trpc/x", cookie: "__Secure-authjs.session-token" },
    );
    expect((await readApiSession(request))?.user.id).toBe(bob!.id);
  });

  it("refuses a tampered, expired or missing token, and one naming no account of ours", async () => {
    const admin = await findUserByEmail(getDb(), "admin@demo.test");
    const { jwt } = await requestWith({ sub: admin!.id, role: "admin" });
    const tampered = `${jwt.slice(0, -4)}AAAA`;
    expect(
      await readApiSession(new Request("http://localhost/x", { headers: { cookie: `${COOKIE}=${tampered}` } })),
    ).toBeNull();
    const { request: expired } = await requestWith({ sub: admin!.id, role: "admin" }, { maxAge: -120 });
    expect(await readApiSession(expired)).toBeNull();
    expect(await readApiSession(new Request("http://localhost/x"))).toBeNull();
    const { request: stranger } = await requestWith({ sub: "user-1", role: "admin" });
    expect(await readApiSession(stranger)).toBeNull();
    const { request: deleted } = await requestWith({ sub: "00000000-0000-4000-8000-0000000000ff", role: "admin" });
    expect(await readApiSession(deleted)).toBeNull();
  });

  it("takes the account's current role over the cookie's, and ends a disabled account's session", async () => {
    const user = await ownAccount("admin");
    const { request } = await requestWith({ sub: user.id, email: user.email, role: "admin" });
    expect((await readApiSession(request))?.user.role).toBe("admin");

    await updateUserAccess(getDb(), user.email, { role: "shopper" });
    await confirmSessionUser(user.id, Date.now() + SESSION_USER_RECHECK_MS);
    expect((await readApiSession(request))?.user.role).toBe("shopper");

    await updateUserAccess(getDb(), user.email, { disabled: true });
    await confirmSessionUser(user.id, Date.now() + 2 * SESSION_USER_RECHECK_MS);
    expect(await readApiSession(request)).toBeNull();
  });
});

describe("confirmSessionUser: a change counts within a minute", () => {
  it("re-reads the account at most SESSION_USER_RECHECK_MS (under a minute) after the last read", async () => {
    expect(SESSION_USER_RECHECK_MS).toBeLessThan(60_000);
    const user = await ownAccount("admin");
    const t0 = Date.now();
    expect(await confirmSessionUser(user.id, t0)).toEqual({ role: "admin" });
    await updateUserAccess(getDb(), user.email, { role: "viewer" });
    // Within the window the last read may still answer...
    expect(await confirmSessionUser(user.id, t0 + 1_000)).toEqual({ role: "admin" });
    // ...and once it has passed, the change holds.
    expect(await confirmSessionUser(user.id, t0 + SESSION_USER_RECHECK_MS)).toEqual({ role: "viewer" });
    await updateUserAccess(getDb(), user.email, { disabled: true });
    expect(await confirmSessionUser(user.id, t0 + 2 * SESSION_USER_RECHECK_MS)).toBeNull();
    await updateUserAccess(getDb(), user.email, { disabled: false });
    expect(await confirmSessionUser(user.id, t0 + 3 * SESSION_USER_RECHECK_MS)).toEqual({ role: "viewer" });
  });
});
