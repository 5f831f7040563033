import "server-only";
import { readApiSession } from "@/server/auth/read-api-session";
import { isStaff } from "@/server/auth/roles";
import { InvalidInputError, NotFoundError } from "@/server/services/errors";

type RouteUser = { id: string; role: string };

/** The signed-in admin (or staff) of a plain route handler, or the 401/403 answer to send. */
export async function requireRouteUser(
  req: Request,
  tier: "admin" | "staff",
): Promise<{ user: RouteUser } | { response: Response }> {
  const session = await readApiSession(req);
  const user = session?.user;
  if (!user?.id) return { response: routeError(401, "Sign in first.") };
  const allowed = tier === "admin" ? user.role === "admin" : isStaff(user.role);
  if (!allowed) return { response: routeError(403, tier === "admin" ? "Admins only." : "Admins and viewers only.") };
  return { user: { id: user.id, role: user.role ?? "shopper" } };
}

export function routeError(status: number, message: string): Response {
  return Response.json({ error: { code: status, message } }, { status, headers: { "cache-control": "no-store" } });
}

/** Expected errors of a service as 4xx; anything else is logged and answers a plain 500. */
export function routeFailure(error: unknown): Response {
  if (error instanceof NotFoundError) return routeError(404, error.message);
  if (error instanceof InvalidInputError) return routeError(400, error.message);
  console.error("[route] unexpected error", error);
  return routeError(500, "Internal error");
}

/** A CSV download streamed from text pieces (never buffered whole). */
export function csvResponse(filename: string, pieces: AsyncIterable<string>): Response {
  const encoder = new TextEncoder();
  const iterator = pieces[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        console.error("[route] CSV stream failed", error);
        controller.error(error);
      }
    },
    async cancel() {
      await iterator.return?.(undefined);
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "no-store",
    },
  });
}
