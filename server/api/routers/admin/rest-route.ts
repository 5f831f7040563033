import type { OpenApiMeta } from "trpc-to-openapi";

/** The REST mirror's route of a procedure (under /api/v1), documented in /api/openapi.json. */
export function restRoute(
  method: "GET" | "POST" | "PUT" | "PATCH",
  path: `/${string}`,
  tag: string,
  summary: string,
): OpenApiMeta {
  return { openapi: { method, path, tags: [tag], summary, protect: true } };
}
