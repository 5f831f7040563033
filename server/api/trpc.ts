import "server-only";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import type { Session } from "next-auth";
import { readGuestId } from "@/server/auth/guest-id";
import { isStaff } from "@/server/auth/roles";
import { env } from "@/server/env";
import { DependencyUnavailableError, DomainError, isExpectedError, toTRPCError } from "./errors";
import { isDatabaseUnavailable } from "@/server/services/errors";

export type TRPCContext = { session: Session | null; headers: Headers; ip: string; guestId?: string | null };

/**
 * Per-request context: the session (if any) and the client's address. Both are passed in: the
 * server that holds the request resolves them (node-handler.ts from its socket and TRUST_PROXY, the
 * route handler from the front server's X-Forwarded-For), so tests can drive the real handlers
 * without Next's request scope.
 */
export function createTRPCContext(opts: { headers: Headers; session: Session | null; ip: string }): TRPCContext {
  // A guest (POST /api/guest) carries a signed id in a cookie; a signed-in session wins over it.
  return { session: opts.session, headers: opts.headers, ip: opts.ip, guestId: readGuestId(opts.headers) };
}

export { TRPC_MAX_BATCH_SIZE } from "./batch-size";

/** Plain text for people: "cart.items.0.quantity: Quantity must be at least 1." (details stay in data.zodError). */
function describeZodError(error: ZodError): string {
  const lines = error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message));
  const more = error.issues.length > 5 ? ` (and ${error.issues.length - 5} more)` : "";
  return `Invalid input: ${lines.join("; ")}${more}`;
}

const t = initTRPC.context<TRPCContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    // A body that is not JSON at all: say so, not the parser's words.
    // No stack trace leaves the server outside development (tRPC adds one whenever NODE_ENV is not "production").
    const { stack, ...data } = shape.data;
    const unreadable =
      error.code === "BAD_REQUEST" &&
      (cause instanceof SyntaxError || /JSON/.test(error.message)) &&
      !(cause instanceof ZodError);
    return {
      ...shape,
      message: unreadable
        ? 'The request body is not valid JSON. Send {"json": <input>} with content-type application/json.'
        : cause instanceof ZodError
          ? describeZodError(cause)
          : shape.message,
      data: {
        ...data,
        ...(env().NODE_ENV === "development" ? { stack } : {}),
        ...(cause instanceof DomainError ? { reason: cause.reason, details: cause.details ?? null } : {}),
        zodError: cause instanceof ZodError ? z.flattenError(cause) : null,
      },
    };
  },
});

// Domain and dependency errors become their mapped tRPC codes (one table: errors.ts); anything else stays a masked 500.
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (isExpectedError(cause)) throw toTRPCError(cause);
    if (isDatabaseUnavailable(cause))
      throw toTRPCError(
        new DependencyUnavailableError("The database is unavailable; nothing was changed. Retry shortly."),
      );
    if (result.error.code === "INTERNAL_SERVER_ERROR") {
      console.error("[trpc] unexpected error", cause ?? result.error);
      throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "Internal error", cause: result.error.cause });
    }
  }
  return result;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure.use(mapErrors);

/** Any signed-in user (the demo checkout's shoppers; staff may try the checkout too). */
export const shopperProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session?.user?.id) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  return next({ ctx: { ...ctx, user: ctx.session.user } });
});

/** The demo checkout's paying parties: a signed-in user, or a guest (its signed cookie). */
export const checkoutProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session?.user?.id && !ctx.guestId)
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in or continue as a guest first." });
  return next();
});

/** Read-only admin data: role admin or viewer. */
export const staffProcedure = shopperProcedure.use(({ ctx, next }) => {
  if (!isStaff(ctx.user.role)) throw new TRPCError({ code: "FORBIDDEN", message: "Admins and viewers only." });
  return next();
});

/** Changes to admin data: role admin. */
export const adminProcedure = shopperProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== "admin") throw new TRPCError({ code: "FORBIDDEN", message: "Admins only." });
  return next();
});
