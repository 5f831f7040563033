import { lookup } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { Webhook } from "standardwebhooks";
import { Agent, request } from "undici";
import { isPrivateAddress } from "./is-private-address";

export type PostResult = { statusCode: number | null; durationMs: number; error: string | null };

// Checks every address the connection would use, at connect time (so a DNS answer that changes
// between a check and the connection cannot slip a private address through).
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, "", 4);
    const list = Array.isArray(addresses) ? addresses : [];
    const refused = list.find((a) => isPrivateAddress(a.address));
    if (refused || list.length === 0)
      return callback(
        Object.assign(new Error(`${hostname} resolves to a private address (${refused?.address ?? "none"})`), {
          code: "EPRIVATE",
        }),
        "",
        4,
      );
    if (options.all) return (callback as unknown as (e: null, a: typeof list) => void)(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
};

const agents = new Map<boolean, Agent>();
function agentFor(allowPrivate: boolean): Agent {
  let agent = agents.get(allowPrivate);
  if (!agent) {
    agent = new Agent({ connect: allowPrivate ? {} : { lookup: publicOnlyLookup }, keepAliveTimeout: 4_000 });
    agents.set(allowPrivate, agent);
  }
  return agent;
}

/**
 * One signed POST (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature = v1 HMAC-SHA256
 * of "id.timestamp.body" with the endpoint's whsec_ secret). 2xx is success; a redirect is not followed
 * (it could point anywhere) and counts as a failure, as do timeouts and network errors.
 */
export async function postWebhook(input: {
  url: string;
  secret: string;
  webhookId: string;
  body: string;
  timeoutMs: number;
  allowPrivate: boolean;
  now?: Date;
}): Promise<PostResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const url = new URL(input.url);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  // A literal IP is never looked up: judge it here.
  if (!input.allowPrivate && isIP(host) && isPrivateAddress(host))
    return { statusCode: null, durationMs: 0, error: `${host} is a private address; webhooks may not target it.` };
  const now = input.now ?? new Date();
  const signature = new Webhook(input.secret).sign(input.webhookId, now, input.body);
  try {
    const response = await request(url, {
      method: "POST",
      body: input.body,
      dispatcher: agentFor(input.allowPrivate),
      headers: {
        "content-type": "application/json",
        "user-agent": "couponforge-webhooks/1",
        "webhook-id": input.webhookId,
        "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
        "webhook-signature": signature,
      },
      headersTimeout: input.timeoutMs,
      bodyTimeout: input.timeoutMs,
      // undici's request follows no redirect.
      signal: AbortSignal.timeout(input.timeoutMs),
    });
    // The body is not used; read a little of it so the connection can be reused, then drop it.
    await response.body.dump({ limit: 16_384 }).catch(() => undefined);
    const ok = response.statusCode >= 200 && response.statusCode < 300;
    return {
      statusCode: response.statusCode,
      durationMs: elapsed(),
      error: ok ? null : `The receiver answered HTTP ${response.statusCode}.`,
    };
  } catch (error) {
    return { statusCode: null, durationMs: elapsed(), error: describeError(error, input.timeoutMs) };
  }
}

function describeError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error) {
    if (error.name === "TimeoutError" || error.name === "AbortError" || /timeout/i.test(error.name))
      return `No answer within ${timeoutMs / 1000} s.`;
    const cause = (error as { cause?: { message?: string; code?: string } }).cause;
    const code = (error as { code?: string }).code ?? cause?.code;
    return `${code ? `${code}: ` : ""}${cause?.message ?? error.message}`.slice(0, 500);
  }
  return String(error).slice(0, 500);
}
