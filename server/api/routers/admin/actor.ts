import type { Session } from "next-auth";
import type { AdminActor } from "@/server/services/run-admin-mutation";

/** The signed-in admin, as the audit log records them. */
export function actorOf(ctx: { user: Session["user"] }): AdminActor {
  return { userId: ctx.user.id, email: ctx.user.email ?? null };
}
