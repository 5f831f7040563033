import { openApiDocument } from "@/server/api/openapi";

/** The OpenAPI 3.1 document of the REST mirror (generated from the tRPC procedures). */
export function GET() {
  return Response.json(openApiDocument(), { headers: { "cache-control": "no-cache" } });
}
