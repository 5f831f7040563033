import type http from "node:http";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { readApiSession } from "@/server/auth/read-api-session";
import { appRouter } from "./root";
import { createTRPCContext } from "./trpc";

export const TRPC_BASE_PATH = "/api/trpc/";

/**
 * The same router as app/api/trpc/[trpc]/route.ts, for a node:http server: the
 * production server (tools/serve.ts) answers /api/trpc/* with it directly, which
 * spares each checkout call the route handler's Request/Response round trip
 * (several times the gate's own CPU cost). Same context, same session rules.
 */
export function createNodeTrpcHandler(): http.RequestListener {
  return createHTTPHandler({
    router: appRouter,
    basePath: TRPC_BASE_PATH,
    createContext: async ({ req }) => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
      }
      const url = `http://${headers.get("host") ?? "localhost"}${req.url ?? "/"}`;
      return createTRPCContext({ headers, session: await readApiSession({ url, headers }) });
    },
  });
}
