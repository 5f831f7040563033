import "server-only";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { z, ZodError } from "zod";
import { DependencyUnavailableError, DomainError } from "./errors";
import { REST_BASE_PATH } from "./openapi";
import { appRouter, createCaller } from "./root";
import { API_SECURITY_HEADERS } from "./security-headers";
import { createTRPCContext, describeZodError } from "./trpc";

/** Like the tRPC endpoint: far above any checkout or admin call; a bigger body is refused with 413. */
export const MAX_REST_BODY_BYTES = 1024 * 1024;

type Method = "GET" | "POST" | "PUT" | "PATCH";
type Route = {
  method: Method;
  path: string;
  pattern: RegExp;
  params: string[];
  procedure: string;
  input: z.ZodType | undefined;
};

/** API.md's error body. `code` is the tRPC code name; `reason` a validation Reason where one applies. */
export type RestError = { error: { code: string; reason?: string; message: string; details?: unknown } };

let routes: Route[] | undefined;

/**
 * The REST mirror's routes, read from the procedures' OpenAPI meta (the same meta trpc-to-openapi
 * documents in /api/openapi.json), so a route and its document cannot drift apart.
 */
export function restRoutes(): Route[] {
  routes ??= Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: ProcedureDef }>).flatMap(
    ([procedure, { _def }]) => {
      const openapi = _def.meta?.openapi;
      if (!openapi) return [];
      const params: string[] = [];
      const source = openapi.path.replace(/\{(\w+)\}/g, (_match, name: string) => {
        params.push(name);
        return "([^/]+)";
      });
      return [
        {
          method: openapi.method as Method,
          path: openapi.path,
          pattern: new RegExp(`^${source}$`),
          params,
          procedure,
          input: _def.inputs[0] as z.ZodType | undefined,
        },
      ];
    },
  );
  return routes;
}

type ProcedureDef = { meta?: { openapi?: { method: string; path: string } }; inputs: unknown[] };

/**
 * One REST call: find the route, read the input (JSON body, or query string for GET, plus path
 * parameters), call the procedure through the tRPC caller (same tiers, validation and error table as
 * /api/trpc) and answer JSON. Authentication is by API key only: cookies are not read, so a browser
 * session can never be ridden across sites through this surface.
 */
export async function handleRestRequest(req: Request, opts: { ip: string }): Promise<Response> {
  const url = new URL(req.url);
  const path = url.pathname.startsWith(REST_BASE_PATH) ? url.pathname.slice(REST_BASE_PATH.length) : url.pathname;
  const candidates = restRoutes().filter((route) => route.pattern.test(path));
  if (candidates.length === 0) return errorResponse(404, { code: "NOT_FOUND", message: `No route ${path}.` });
  const route = candidates.find((r) => r.method === req.method);
  if (!route)
    return errorResponse(
      405,
      { code: "METHOD_NOT_SUPPORTED", message: `${path} answers ${candidates.map((r) => r.method).join(", ")}.` },
      { allow: candidates.map((r) => r.method).join(", ") },
    );

  let input: Record<string, unknown>;
  try {
    input = route.method === "GET" ? queryInput(url.searchParams, route.input) : await bodyInput(req);
  } catch (error) {
    if (error instanceof RestInputError)
      return errorResponse(error.status, { code: error.code, message: error.message });
    throw error;
  }
  const match = route.pattern.exec(path)!;
  for (const [i, name] of route.params.entries()) {
    try {
      input[name] = decodeURIComponent(match[i + 1]!);
    } catch {
      return errorResponse(400, {
        code: "BAD_REQUEST",
        message: `The path parameter ${name} is not valid percent-encoding.`,
      });
    }
  }

  // No cookie counts here: neither a session nor a guest id (API keys only).
  const ctx = { ...createTRPCContext({ headers: req.headers, session: null, ip: opts.ip }), guestId: null };
  const call = route.procedure
    .split(".")
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], createCaller(ctx)) as (
    input: unknown,
  ) => Promise<unknown>;
  try {
    const data = await call(input);
    return new Response(JSON.stringify(data ?? null), { status: 200, headers: jsonHeaders() });
  } catch (error) {
    return trpcErrorResponse(error);
  }
}

class RestInputError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function bodyInput(req: Request): Promise<Record<string, unknown>> {
  const type = req.headers.get("content-type") ?? "";
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_REST_BODY_BYTES) throw tooLarge();
  const text = await readLimited(req);
  if (text.trim() === "") return {};
  if (!/^application\/json\b/i.test(type))
    throw new RestInputError(415, "UNSUPPORTED_MEDIA_TYPE", "Send a JSON body with content-type application/json.");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new RestInputError(400, "PARSE_ERROR", "The request body is not valid JSON.");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    throw new RestInputError(400, "BAD_REQUEST", "The request body is a JSON object.");
  return parsed as Record<string, unknown>;
}

const tooLarge = () =>
  new RestInputError(413, "PAYLOAD_TOO_LARGE", `The request body is over ${MAX_REST_BODY_BYTES} bytes.`);

async function readLimited(req: Request): Promise<string> {
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_REST_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Query strings are text: a value whose field expects a number or a boolean is read as one (only when it
 * is one, so "12abc" stays text and fails validation with a clear message); a repeated key is an array.
 */
function queryInput(params: URLSearchParams, schema: z.ZodType | undefined): Record<string, unknown> {
  const shape = schema instanceof z.ZodObject ? (schema.shape as Record<string, z.ZodType>) : {};
  const input: Record<string, unknown> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key).map((value) => readScalar(value, fieldKind(shape[key])));
    input[key] = values.length === 1 ? values[0] : values;
  }
  return input;
}

function fieldKind(field: z.ZodType | undefined): string | undefined {
  let current: unknown = field;
  for (let depth = 0; depth < 10 && current; depth += 1) {
    const def = (current as { _zod?: { def?: { type?: string; innerType?: unknown } } })._zod?.def;
    if (!def) return undefined;
    if (def.type === "optional" || def.type === "nullable" || def.type === "default") current = def.innerType;
    else return def.type;
  }
  return undefined;
}

function readScalar(value: string, kind: string | undefined): unknown {
  if (kind === "number" && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (kind === "boolean" && (value === "true" || value === "false")) return value === "true";
  return value;
}

function jsonHeaders(extra: Record<string, string> = {}): Headers {
  return new Headers({
    "content-type": "application/json",
    "cache-control": "no-store",
    ...API_SECURITY_HEADERS,
    ...extra,
  });
}

function errorResponse(status: number, error: RestError["error"], headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error } satisfies RestError), { status, headers: jsonHeaders(headers) });
}

/** A procedure's error in API.md's shape, with the status of the one error table (errors.ts). */
function trpcErrorResponse(error: unknown): Response {
  const trpcError = error instanceof TRPCError ? error : new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: error });
  const cause = trpcError.cause;
  const status = getHTTPStatusCodeFromError(trpcError);
  if (status >= 500 && !(cause instanceof DependencyUnavailableError)) {
    console.error("[rest] unexpected error", cause ?? trpcError);
    return errorResponse(500, { code: "INTERNAL_SERVER_ERROR", message: "Internal error" });
  }
  const headers: Record<string, string> =
    cause instanceof DependencyUnavailableError ? { "retry-after": String(cause.retryAfterSeconds) } : {};
  return errorResponse(
    status,
    {
      code: trpcError.code,
      ...(cause instanceof DomainError ? { reason: cause.reason } : {}),
      message: cause instanceof ZodError ? describeZodError(cause) : trpcError.message,
      ...(cause instanceof ZodError
        ? { details: z.flattenError(cause) }
        : cause instanceof DomainError && cause.details !== undefined
          ? { details: cause.details }
          : {}),
    },
    headers,
  );
}
