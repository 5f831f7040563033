import { isStaff } from "@/server/auth/roles";
import { checkHealth, type Health } from "@/server/services/check-health";
import { publicProcedure } from "../trpc";

export type PublicHealth = Pick<Health, "status" | "checkedAt">;

/** Anyone gets the overall status; admins and viewers also each dependency's (with its error). */
export const healthProcedure = publicProcedure.query(async ({ ctx }): Promise<Health | PublicHealth> => {
  const health = await checkHealth();
  return isStaff(ctx.session?.user?.role) ? health : { status: health.status, checkedAt: health.checkedAt };
});
