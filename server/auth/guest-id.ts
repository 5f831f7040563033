import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { env } from "@/server/env";

/**
 * A guest shopper's identity: a random id in an HttpOnly cookie, signed with AUTH_SECRET so a
 * browser cannot pick another guest's id (and with it their orders or locks). It names a checkout
 * party, not a known user: per-user rules still answer LOGIN_REQUIRED for a guest.
 */
export const GUEST_COOKIE = "cf_guest";
export const GUEST_COOKIE_MAX_AGE_SECONDS = 30 * 24 * 3600;
/** The customer id a guest checks out under (locks, redemptions, orders). */
export const GUEST_CUSTOMER_PREFIX = "guest:";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function signatureOf(guestId: string, secret: string): Buffer {
  return createHmac("sha256", secret).update(`guest-id:${guestId}`).digest();
}

/** A new guest id and its cookie value (`<id>.<signature>`). */
export function mintGuestToken(secret = env().AUTH_SECRET): { guestId: string; token: string } {
  const guestId = randomUUID();
  return { guestId, token: `${guestId}.${signatureOf(guestId, secret).toString("base64url")}` };
}

/** The guest id a cookie value carries, or null when it is missing, malformed or not signed by us. */
export function verifyGuestToken(token: string | undefined | null, secret = env().AUTH_SECRET): string | null {
  if (!token) return null;
  const dot = token.indexOf(".");
  const guestId = token.slice(0, dot);
  if (dot < 0 || !UUID.test(guestId)) return null;
  const given = Buffer.from(token.slice(dot + 1), "base64url");
  const expected = signatureOf(guestId, secret);
  return given.length === expected.length && timingSafeEqual(given, expected) ? guestId : null;
}

/** The verified guest id of a request's Cookie header. */
export function readGuestId(headers: Headers, secret = env().AUTH_SECRET): string | null {
  const header = headers.get("cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === GUEST_COOKIE) return verifyGuestToken(part.slice(eq + 1).trim(), secret);
  }
  return null;
}
