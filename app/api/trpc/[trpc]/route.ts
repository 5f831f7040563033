import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { errorResponseMeta } from "@/server/api/errors";
import { clientAddressFromForwarded } from "@/server/api/client-address";
import { readContextSession } from "@/server/api/read-context-session";
import { appRouter } from "@/server/api/root";
import { createTRPCContext, TRPC_MAX_BATCH_SIZE } from "@/server/api/trpc";

/**
 * The API inside Next.js (`npm run dev`; under `npm start` the front server answers /api/trpc itself).
 * Next.js 16 gives a route handler no socket address, only headers: the address is the one the front
 * server (or Next.js, from its own socket) put in X-Forwarded-For. See clientAddressFromForwarded.
 */
function handler(req: Request) {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    responseMeta: errorResponseMeta,
    maxBatchSize: TRPC_MAX_BATCH_SIZE,
    createContext: async () =>
      createTRPCContext({
        headers: req.headers,
        session: await readContextSession(req),
        ip: clientAddressFromForwarded(req.headers),
      }),
  });
}

export { handler as GET, handler as POST };
