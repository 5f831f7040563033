import { isStaff } from "@/server/auth/roles";
import { auth } from "@/server/auth";
import { checkHealth } from "@/server/services/check-health";

export const dynamic = "force-dynamic";

/**
 * Readiness probe for load balancers and the dev runner: 503 when Postgres is down. Anonymous callers
 * get the status only; signed-in admins and viewers also each dependency's, with its error.
 */
export async function GET() {
  const health = await checkHealth();
  const session = await auth().catch(() => null);
  const body = isStaff(session?.user?.role) ? health : { status: health.status, checkedAt: health.checkedAt };
  return Response.json(body, {
    status: health.status === "down" ? 503 : 200,
    headers: { "cache-control": "no-store" },
  });
}
