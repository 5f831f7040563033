import { NextResponse } from "next/server";
import { clientAddressFromForwarded } from "@/server/api/client-address";
import { routeError, routeFailure } from "@/server/api/route-helpers";
import { GUEST_COOKIE, GUEST_COOKIE_MAX_AGE_SECONDS, readGuestId } from "@/server/auth/guest-id";
import { DomainError } from "@/server/services/errors";
import { startGuestCheckout } from "@/server/services/start-guest-checkout";

export const dynamic = "force-dynamic";

/** POST: continue as a guest. Sets the signed guest cookie the checkout and the guest's orders use. */
export async function POST(req: Request) {
  try {
    const guest = await startGuestCheckout({
      ip: clientAddressFromForwarded(req.headers),
      currentGuestId: readGuestId(req.headers),
    });
    const response = NextResponse.json({ guest: true }, { headers: { "cache-control": "no-store" } });
    if (guest.token)
      response.cookies.set(GUEST_COOKIE, guest.token, {
        httpOnly: true,
        sameSite: "lax",
        path: "/",
        maxAge: GUEST_COOKIE_MAX_AGE_SECONDS,
        secure: new URL(req.url).protocol === "https:" || req.headers.get("x-forwarded-proto") === "https",
      });
    return response;
  } catch (error) {
    if (error instanceof DomainError && error.reason === "RATE_LIMITED") return routeError(429, error.message);
    return routeFailure(error);
  }
}
