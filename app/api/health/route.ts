import { checkHealth } from "@/server/services/check-health";

export const dynamic = "force-dynamic";

/** Plain readiness probe for load balancers and the dev runner: 503 when Postgres is down. */
export async function GET() {
  const health = await checkHealth();
  return Response.json(health, {
    status: health.status === "down" ? 503 : 200,
    headers: { "cache-control": "no-store" },
  });
}
