import { clientAddressFromForwarded } from "@/server/api/client-address";
import { handleRestRequest } from "@/server/api/rest-handler";

/** The REST mirror (/api/v1/...): documented at /api/openapi.json, rendered at /api/docs. */
function handler(req: Request) {
  return handleRestRequest(req, { ip: clientAddressFromForwarded(req.headers) });
}

export const dynamic = "force-dynamic";
export { handler as GET, handler as POST, handler as PATCH, handler as PUT, handler as DELETE };
