import type { Session } from "next-auth";
import { getToken } from "next-auth/jwt";
import { env } from "@/server/env";
import type { Role } from "./roles";

/**
 * The session of an API request, read without re-issuing the cookie: auth()
 * re-encrypts a rolling JWT on every call, which costs more CPU than the
 * coupon gate itself. Page navigations (which use auth()) keep the session rolling.
 * Same claims as the session callback in ./index.ts; an expired or forged token is no session.
 */
export async function readApiSession(req: Request): Promise<Session | null> {
  const secureCookie = new URL(req.url).protocol === "https:" || req.headers.get("x-forwarded-proto") === "https";
  const token = await getToken({ req, secret: env().AUTH_SECRET, secureCookie });
  if (!token?.sub) return null;
  return {
    user: { id: token.sub, email: token.email ?? undefined, name: token.name ?? undefined, role: (token.role as Role | undefined) ?? "shopper" },
    expires: new Date((typeof token.exp === "number" ? token.exp : 0) * 1000).toISOString(),
  };
}
