import { TRPCError } from "@trpc/server";
import type { Session } from "next-auth";
import { readApiSession } from "@/server/auth/read-api-session";
import { isDatabaseUnavailable } from "@/server/services/errors";

/** The API request's session; Postgres down (the account check) is a 503 to retry, not a 500. */
export async function readContextSession(req: { url: string; headers: Headers }): Promise<Session | null> {
  try {
    return await readApiSession(req);
  } catch (error) {
    if (isDatabaseUnavailable(error))
      throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "The database is unavailable; retry shortly." });
    throw error;
  }
}
