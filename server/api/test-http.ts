import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { Session } from "next-auth";
import superjson from "superjson";
import { errorResponseMeta } from "./errors";
import { appRouter } from "./root";
import { createTRPCContext, TRPC_MAX_BATCH_SIZE } from "./trpc";

/**
 * For tests: one tRPC call through the real fetch adapter (HTTP statuses, JSON
 * parsing, error formatting), with the session given directly. Not used by the app.
 */
export async function callTrpcHttp(
  path: string,
  options: {
    session?: Session | null;
    input?: unknown;
    rawBody?: string;
    method?: "GET" | "POST";
    ip?: string;
    /** A Cookie header (e.g. a guest's signed id). */
    cookie?: string;
  } = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const method = options.method ?? "POST";
  const headers = new Headers({ "content-type": "application/json" });
  if (options.cookie) headers.set("cookie", options.cookie);
  let url = `http://localhost/api/trpc/${path}`;
  let body: string | undefined;
  const encoded = options.rawBody ?? JSON.stringify(superjson.serialize(options.input));
  if (method === "GET") url += `?input=${encodeURIComponent(encoded)}`;
  else body = encoded;
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: new Request(url, { method, headers, body }),
    router: appRouter,
    responseMeta: errorResponseMeta,
    maxBatchSize: TRPC_MAX_BATCH_SIZE,
    createContext: () => createTRPCContext({ headers, session: options.session ?? null, ip: options.ip ?? "10.9.9.9" }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // leave as text
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

export function sessionFor(user: { id: string; email: string; role: "admin" | "viewer" | "shopper" }): Session {
  return {
    user: { id: user.id, email: user.email, role: user.role, name: user.email },
    expires: "2099-01-01T00:00:00.000Z",
  };
}
