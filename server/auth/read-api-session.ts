import { LRUCache } from "lru-cache";
import type { Session } from "next-auth";
import { getToken } from "next-auth/jwt";
import { env } from "@/server/env";
import { confirmSessionUser } from "@/server/services/confirm-session-user";
import type { Role } from "./roles";

/**
 * The session of an API request, read without re-issuing the cookie: auth()
 * re-encrypts a rolling JWT on every call, which costs more CPU than the
 * coupon gate itself. Page navigations (which use auth()) keep the session rolling.
 * Same claims as the session callback in ./index.ts; an expired or forged token is no session.
 */
export async function readApiSession(req: { url: string; headers: Headers }): Promise<Session | null> {
  const session = await decodeSessionCookie(req);
  if (!session) return null;
  // The role in the cookie is the one signed in with: the account's current role and status win (within a minute).
  const access = await confirmSessionUser(session.user.id);
  if (!access) return null;
  return access.role === session.user.role ? session : { ...session, user: { ...session.user, role: access.role } };
}

async function decodeSessionCookie(req: { url: string; headers: Headers }): Promise<Session | null> {
  const secureCookie = new URL(req.url).protocol === "https:" || req.headers.get("x-forwarded-proto") === "https";
  // The same cookie decrypts to the same claims: decrypting it (HKDF + AES + HMAC) once a minute is enough.
  const cacheKey = `${secureCookie}\n${req.headers.get("cookie") ?? ""}\n${req.headers.get("authorization") ?? ""}`;
  const cached = decoded.get(cacheKey);
  if (cached && Date.parse(cached.expires) > Date.now()) return cached;
  const token = await getToken({ req, secret: env().AUTH_SECRET, secureCookie });
  if (!token?.sub) return null;
  const session: Session = {
    user: {
      id: token.sub,
      email: token.email ?? undefined,
      name: token.name ?? undefined,
      role: (token.role as Role | undefined) ?? "shopper",
    },
    expires: new Date((typeof token.exp === "number" ? token.exp : 0) * 1000).toISOString(),
  };
  const ttl = Math.min(DECODED_TTL_MS, Date.parse(session.expires) - Date.now());
  if (ttl > 0) decoded.set(cacheKey, session, { ttl });
  return session;
}

const DECODED_TTL_MS = 60_000;
/** Sessions by the exact cookie (and authorization) headers that carried them; never past the token's own expiry. */
const decoded = new LRUCache<string, Session>({ max: 20_000, ttl: DECODED_TTL_MS });
