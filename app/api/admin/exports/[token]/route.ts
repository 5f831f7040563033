import { csvResponse, requireRouteUser, routeFailure } from "@/server/api/route-helpers";
import { streamCodeExport } from "@/server/services/stream-code-export";

export const dynamic = "force-dynamic";

/** A one-time CSV export link (admin.codes.export); the link works once, for an admin. */
export async function GET(req: Request, ctx: { params: Promise<{ token: string }> }) {
  const auth = await requireRouteUser(req, "admin");
  if ("response" in auth) return auth.response;
  try {
    const pieces = await streamCodeExport((await ctx.params).token);
    return csvResponse(`codes-${new Date().toISOString().slice(0, 10)}.csv`, pieces);
  } catch (error) {
    return routeFailure(error);
  }
}
