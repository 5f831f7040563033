// Test helpers for the REST mirror and the access matrix: keys made through the real service, and
// one REST call through the real handler.

import { randomUUID } from "node:crypto";
import { getDb } from "@/server/db/client";
import { DEMO_ACCOUNTS } from "@/server/db/demo-data";
import { findUserByEmail } from "@/server/db/queries/find-user-by-email";
import type { ApiKeyScope } from "@/server/domain/api-key-inputs";
import type { Channel } from "@/server/domain/schemas";
import { createApiKey } from "@/server/services/create-api-key";
import { handleRestRequest } from "./rest-handler";

export const unique = () => randomUUID().replace(/-/g, "").slice(0, 10).toUpperCase();

export async function demoUserId(role: "admin" | "viewer" | "shopper"): Promise<string> {
  const account = DEMO_ACCOUNTS.find((a) => a.role === role)!;
  return (await findUserByEmail(getDb(), account.email))!.id;
}

/** A fresh live key with these scopes (made by the demo admin through the service, audited). */
export async function makeKey(scopes: ApiKeyScope[], channel: Channel = "web"): Promise<string> {
  const { secret } = await createApiKey(
    { name: `Test ${unique()}`, scopes, channel },
    { userId: await demoUserId("admin"), email: "admin@demo.test" },
  );
  return secret;
}

export type RestAnswer = { status: number; body: unknown; headers: Headers };

/** One call of /api/v1 through the route's handler. */
export async function rest(
  method: string,
  path: string,
  options: { key?: string; body?: unknown; rawBody?: string; contentType?: string | null; ip?: string } = {},
): Promise<RestAnswer> {
  const headers = new Headers();
  if (options.key) headers.set("authorization", `Bearer ${options.key}`);
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined && options.contentType !== null)
    headers.set("content-type", options.contentType ?? "application/json");
  const response = await handleRestRequest(new Request(`http://localhost/api/v1${path}`, { method, headers, body }), {
    ip: options.ip ?? "10.41.0.1",
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: the test sees the text
  }
  return { status: response.status, body: parsed, headers: response.headers };
}
