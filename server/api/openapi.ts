import "server-only";
import type { SchemaObject } from "openapi3-ts/oas31";
import { generateOpenApiDocument } from "trpc-to-openapi";
import { appRouter } from "./root";

export const REST_BASE_PATH = "/api/v1";

type Document = ReturnType<typeof generateOpenApiDocument>;
let document: Document | undefined;

const ERROR_SCHEMA: SchemaObject = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", description: "The tRPC code name, e.g. BAD_REQUEST, CONFLICT, TOO_MANY_REQUESTS." },
        reason: { type: "string", description: "A validation reason (SPEC.md), where one applies." },
        message: { type: "string", description: "For people." },
        details: {
          description: "Input errors: { formErrors, fieldErrors }. A refused lock or redeem: { rejected: [...] }.",
        },
      },
    },
  },
};

// API.md's statuses; a 5xx other than 503 is a bug, never an answer to bad input.
const ERROR_STATUSES: Record<string, string> = {
  "400": "Bad input (the message and details name the field)",
  "401": "No API key, or an unknown, revoked or expired one",
  "403": "The key lacks the scope",
  "404": "Not found",
  "409": "Conflict: exhausted, locked, per-user limit, or a lock/redeem that cannot take every code",
  "413": "Body over 1 MiB",
  "415": "Body is not application/json",
  "422": "A rule is not met",
  "429": "Rate limited (per key)",
  "503": "A dependency is down or the gate is full; retry after Retry-After seconds",
};

/**
 * The OpenAPI 3.1 document of the REST mirror, generated once by trpc-to-openapi from the procedures'
 * meta and zod schemas; the error answers are then described as this API gives them (API.md).
 */
export function openApiDocument(): Document {
  if (document) return document;
  const generated = generateOpenApiDocument(appRouter, {
    title: "CouponForge REST API",
    version: "1.0.0",
    baseUrl: REST_BASE_PATH,
    description:
      "The REST mirror of the tRPC API: checkout (validate, lock, unlock, redeem) and the admin coupon, code and " +
      "redemption procedures. Authenticate with an API key made in the admin console (API keys): " +
      "`Authorization: Bearer <key>` or `x-api-key: <key>`. A checkout key names the customer in the body; the " +
      "channel is the key's. Errors are `{ error: { code, reason?, message, details? } }`.",
    securitySchemes: {
      bearerAuth: { type: "http", scheme: "bearer", description: "An API key (cfk_...)." },
      apiKeyHeader: { type: "apiKey", in: "header", name: "x-api-key" },
    },
  });
  generated.components = {
    ...generated.components,
    schemas: { ...generated.components?.schemas, Error: ERROR_SCHEMA },
  };
  for (const item of Object.values(generated.paths ?? {})) {
    for (const operation of Object.values(item ?? {})) {
      if (!operation || typeof operation !== "object" || !("responses" in operation)) continue;
      const responses = operation.responses as Record<string, unknown>;
      for (const status of Object.keys(responses)) if (!status.startsWith("2")) delete responses[status];
      for (const [status, description] of Object.entries(ERROR_STATUSES))
        responses[status] = {
          description,
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        };
    }
  }
  document = generated;
  return document;
}
