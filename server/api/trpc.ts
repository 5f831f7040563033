import "server-only";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import type { OpenApiMeta } from "trpc-to-openapi";
import { z, ZodError } from "zod";
import type { Session } from "next-auth";
import { readGuestId } from "@/server/auth/guest-id";
import { isStaff } from "@/server/auth/roles";
import { env } from "@/server/env";
import { DependencyUnavailableError, DomainError, isExpectedError, toTRPCError } from "./errors";
import { isDatabaseUnavailable, isUnstorableText } from "@/server/services/errors";
import { hasScope, type ApiKeyScope } from "@/server/domain/api-key-inputs";
import { authenticateApiKey, type ApiKeyPrincipal } from "@/server/services/authenticate-api-key";
import type { AdminActor } from "@/server/services/run-admin-mutation";
import { chargeAttempts } from "@/server/redis/rate-limit";

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
export function describeZodError(error: ZodError): string {
  const lines = error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message));
  const more = error.issues.length > 5 ? ` (and ${error.issues.length - 5} more)` : "";
  return `Invalid input: ${lines.join("; ")}${more}`;
}

const t = initTRPC
  .context<TRPCContext>()
  .meta<OpenApiMeta>()
  .create({
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
    if (isUnstorableText(cause))
      throw new TRPCError({
        code: "BAD_REQUEST",
        message: "The input holds a character that cannot be stored (such as a NUL byte); nothing was changed.",
      });
    if (result.error.code === "INTERNAL_SERVER_ERROR") {
      console.error("[trpc] unexpected error", cause ?? result.error);
      throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "Internal error", cause: result.error.cause });
    }
  }
  return result;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** The API key a request carries: `Authorization: Bearer <key>` or `x-api-key: <key>`; undefined without one. */
export function apiKeyOf(headers: Headers): string | undefined {
  const explicit = headers.get("x-api-key");
  if (explicit !== null) return explicit.trim();
  const authorization = headers.get("authorization");
  if (authorization === null) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match ? match[1]! : authorization.trim();
}

/**
 * Who calls: a request with an API key is that key and nothing else (its session cookie, if any, is
 * ignored, and so is a guest cookie: a key never borrows a browser's rights); a wrong, revoked or expired key is 401, never a
 * fall-back to anonymous. Each key's calls are rate-limited (policy requestsByApiKey) before any work.
 */
const authenticate = t.middleware(async ({ ctx, next }) => {
  const secret = apiKeyOf(ctx.headers);
  if (secret === undefined) return next({ ctx: { ...ctx, apiKey: null as ApiKeyPrincipal | null } });
  const apiKey = await authenticateApiKey(secret);
  if (!apiKey) throw new TRPCError({ code: "UNAUTHORIZED", message: "Unknown, revoked or expired API key." });
  if (!(await chargeAttempts([{ policy: "requestsByApiKey", identifier: apiKey.id }], 1)))
    throw new DomainError("RATE_LIMITED", "Too many requests with this API key; slow down and retry.");
  return next({ ctx: { ...ctx, session: null, guestId: null, apiKey: apiKey as ApiKeyPrincipal | null } });
});

export const publicProcedure = t.procedure.use(mapErrors).use(authenticate);

const NOT_FOR_API_KEYS = "API keys cannot call this procedure: it needs a signed-in user.";

/** Any signed-in user (the demo checkout's shoppers; staff may try the checkout too). Not API keys. */
export const shopperProcedure = publicProcedure.use(({ ctx, next }) => {
  if (ctx.apiKey) throw new TRPCError({ code: "FORBIDDEN", message: NOT_FOR_API_KEYS });
  if (!ctx.session?.user?.id) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  return next({ ctx: { ...ctx, user: ctx.session.user } });
});

/** The demo storefront's paying parties (orders): a signed-in user, or a guest (its signed cookie). Not API keys. */
export const storefrontProcedure = publicProcedure.use(({ ctx, next }) => {
  if (ctx.apiKey) throw new TRPCError({ code: "FORBIDDEN", message: NOT_FOR_API_KEYS });
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

function requireScope(apiKey: ApiKeyPrincipal, scope: ApiKeyScope): void {
  if (!hasScope(apiKey.scopes, scope))
    throw new TRPCError({ code: "FORBIDDEN", message: `This API key lacks the ${scope} scope.` });
}

/** An API key as the audit log and idempotency keys know it (no user: the key is the actor). */
function keyActor(apiKey: ApiKeyPrincipal): AdminActor {
  return { userId: null, email: `api-key:${apiKey.name} (${apiKey.prefix}…)`, apiKeyId: apiKey.id };
}

/** Checkout for anyone: anonymous, a session, or an API key with the checkout scope (REST mirror). */
export const checkoutProcedure = publicProcedure.use(({ ctx, next }) => {
  if (ctx.apiKey) requireScope(ctx.apiKey, "checkout");
  return next();
});

/**
 * Checkout that reserves: a signed-in shopper, a guest (its signed cookie), or an API key with the checkout
 * scope (naming its customer).
 */
export const checkoutCustomerProcedure = publicProcedure.use(({ ctx, next }) => {
  if (ctx.apiKey) requireScope(ctx.apiKey, "checkout");
  else if (!ctx.session?.user?.id && !ctx.guestId)
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in or continue as a guest first." });
  return next();
});

/** Read-only admin data of the REST mirror: staff sessions, or API keys with admin:read (or admin:write). */
export const staffOrKeyProcedure = publicProcedure.use(({ ctx, next }) => {
  if (ctx.apiKey) {
    requireScope(ctx.apiKey, "admin:read");
    return next({ ctx: { ...ctx, actor: keyActor(ctx.apiKey) } });
  }
  const user = ctx.session?.user;
  if (!user?.id) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  if (!isStaff(user.role)) throw new TRPCError({ code: "FORBIDDEN", message: "Admins and viewers only." });
  return next({ ctx: { ...ctx, actor: { userId: user.id, email: user.email ?? null } as AdminActor } });
});

/** Changes of the REST mirror: admin sessions, or API keys with admin:write. */
export const adminOrKeyProcedure = publicProcedure.use(({ ctx, next }) => {
  if (ctx.apiKey) {
    requireScope(ctx.apiKey, "admin:write");
    return next({ ctx: { ...ctx, actor: keyActor(ctx.apiKey) } });
  }
  const user = ctx.session?.user;
  if (!user?.id) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  if (user.role !== "admin") throw new TRPCError({ code: "FORBIDDEN", message: "Admins only." });
  return next({ ctx: { ...ctx, actor: { userId: user.id, email: user.email ?? null } as AdminActor } });
});
