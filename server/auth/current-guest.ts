import "server-only";
import { cookies } from "next/headers";
import { GUEST_COOKIE, verifyGuestToken } from "./guest-id";

/** The verified guest id of the page request's cookie (a server component or action), or null. */
export async function currentGuestId(): Promise<string | null> {
  return verifyGuestToken((await cookies()).get(GUEST_COOKIE)?.value);
}
