import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { env } from "@/server/env";
import { readApiSession } from "./read-api-session";

const COOKIE = "authjs.session-token";

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

describe("readApiSession", () => {
  it("reads the user, role and expiry Auth.js put in the session cookie", async () => {
    const { request } = await requestWith({ sub: "user-1", email: "a@b.test", name: "A", role: "admin" });
    const session = await readApiSession(request);
    expect(session?.user).toMatchObject({ id: "user-1", email: "a@b.test", role: "admin" });
    expect(new Date(session!.expires).getTime()).toBeGreaterThan(Date.now());
  });

  it("uses the __Secure- cookie behind https", async () => {
    const { request } = await requestWith(
      { sub: "user-2", role: "shopper" },
      { url: "https://shop.test/api/trpc/x", cookie: "__Secure-authjs.session-token" },
    );
    expect((await readApiSession(request))?.user.id).toBe("user-2");
  });

  it("refuses a tampered, expired or missing token", async () => {
    const { jwt } = await requestWith({ sub: "user-3", role: "admin" });
    const tampered = `${jwt.slice(0, -4)}AAAA`;
    expect(
      await readApiSession(new Request("http://localhost/x", { headers: { cookie: `${COOKIE}=${tampered}` } })),
    ).toBeNull();
    const { request: expired } = await requestWith({ sub: "user-3", role: "admin" }, { maxAge: -120 });
    expect(await readApiSession(expired)).toBeNull();
    expect(await readApiSession(new Request("http://localhost/x"))).toBeNull();
  });
});
