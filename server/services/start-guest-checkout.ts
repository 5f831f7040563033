import { mintGuestToken } from "@/server/auth/guest-id";
import { chargeAttempts } from "@/server/redis/rate-limit";
import { DomainError } from "./errors";

/**
 * "Continue as guest": the guest id a browser checks out under. A valid one it already has is kept
 * (null: nothing to set); a new one is minted within the per-address limit, since every guest id
 * may hold its own live locks and a fresh id per request would otherwise hoard a coupon.
 */
export async function startGuestCheckout(caller: {
  ip: string;
  /** The verified guest id of the request's cookie, if any. */
  currentGuestId: string | null;
}): Promise<{ guestId: string; token: string | null }> {
  if (caller.currentGuestId) return { guestId: caller.currentGuestId, token: null };
  const charge = await chargeAttempts([{ policy: "guestIdByIp", identifier: caller.ip }], 1);
  if (!charge)
    throw new DomainError("RATE_LIMITED", "Too many new guest checkouts from this address; sign in or retry later.");
  return mintGuestToken();
}
