import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { errorResponseMeta } from "@/server/api/errors";
import { appRouter } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import { readApiSession } from "@/server/auth/read-api-session";

function handler(req: Request) {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    responseMeta: errorResponseMeta,
    createContext: async () => createTRPCContext({ headers: req.headers, session: await readApiSession(req) }),
  });
}

export { handler as GET, handler as POST };
