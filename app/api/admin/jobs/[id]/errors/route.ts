import { csvResponse, requireRouteUser, routeError } from "@/server/api/route-helpers";
import { streamCodeJobErrors } from "@/server/services/stream-code-job-errors";

export const dynamic = "force-dynamic";

/** An import's whole per-line error report as CSV. */
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const auth = await requireRouteUser(req, "staff");
  if ("response" in auth) return auth.response;
  const { id } = await ctx.params;
  if (!/^[0-9a-f-]{36}$/i.test(id)) return routeError(404, "No job with this id.");
  return csvResponse(`import-errors-${id}.csv`, streamCodeJobErrors(id));
}
