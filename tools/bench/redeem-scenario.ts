/**
 * The workload of `npm run bench:redeem`, shared by the orchestrator (its first request) and the load
 * client: the request a shopper's checkout sends to checkout.redeem, and how an answer is judged, for
 * both ways in: tRPC on `next start` (superjson body, session cookie) and the bare node:http server
 * (bare-redeem-server.ts: the input as plain JSON, the customer id in a header).
 */
import { BENCH_CART, CLIENT_IP } from "./scenario";

/** "trpc": checkout.redeem on `next start`; "bare": the same service behind bare-redeem-server.ts. */
export type RedeemApi = "trpc" | "bare";

export const REDEEM_PATH = "/api/trpc/checkout.redeem";
export const BARE_REDEEM_PATH = "/redeem";
/** The bare server's stand-in for the session: the signed-in customer's id. */
export const CUSTOMER_ID_HEADER = "x-customer-id";

/** FIXED 100.00 USD (minor units) on BENCH_CART (252.87 USD): the whole amount always applies. */
export const FIXED_AMOUNT = 10_000;

/** The coupon a phase redeems, and what every acknowledged redemption of it must say. */
export type RedeemTarget = { code: string; couponId: string; amount: number };

/** One request: its own order and idempotency key, as a real checkout makes them. */
export type RedeemIds = { orderId: string; idempotencyKey: string };

const CART_JSON = JSON.stringify(BENCH_CART);

/**
 * The POST body of checkout.redeem with codes (lock and redeem in one step): superjson's `{"json": input}`
 * for tRPC, the input itself for the bare server. Ids are [A-Za-z0-9-]: no escaping needed.
 */
export function redeemBody(api: RedeemApi, code: string, ids: RedeemIds): string {
  const input = `{"codes":[${JSON.stringify(code)}],"cart":${CART_JSON},"orderId":"${ids.orderId}","idempotencyKey":"${ids.idempotencyKey}"}`;
  return api === "trpc" ? `{"json":${input}}` : input;
}

/**
 * `session` is the shopper's session cookie header (tRPC) or customer id (bare). Every request claims the
 * same loopback client address (the rate limiter only counts unknown codes anyway).
 */
export function redeemHeaders(api: RedeemApi, session: string): Record<string, string> {
  const who: Record<string, string> = api === "trpc" ? { cookie: session } : { [CUSTOMER_ID_HEADER]: session };
  return { "content-type": "application/json", ...who, "x-forwarded-for": CLIENT_IP };
}

export type RedeemOutcome =
  | { kind: "redeemed" }
  /** HTTP 409 with reason EXHAUSTED (tRPC: data.code CONFLICT): the expected refusal once the limit is reached. */
  | { kind: "exhausted" }
  /** A 200 whose body is not the redemption asked for: still an acknowledged redemption, but a defect. */
  | { kind: "wrong-body"; sample: string }
  | { kind: "error"; label: string; sample: string };

type TrpcError = { error?: { json?: { message?: string; data?: { code?: string; reason?: string } } } };
type TrpcAnswer = { result?: { data?: { json?: RedeemAnswer } } };
/** What the bare server answers when it refuses (bare-redeem-server.ts). */
type BareError = { code?: string; reason?: string; message?: string };
type RedeemAnswer = { orderId?: unknown; redemptions?: unknown; quote?: { discountTotal?: unknown } };

export function classifyRedeem(
  api: RedeemApi,
  status: number,
  body: string,
  target: RedeemTarget,
  ids: RedeemIds,
): RedeemOutcome {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    const sample = `HTTP ${status}, not JSON: ${body.slice(0, 200)}`;
    return status === 200
      ? { kind: "wrong-body", sample }
      : { kind: "error", label: `HTTP ${status} (not JSON)`, sample };
  }
  if (status === 200) {
    const answer = api === "trpc" ? (parsed as TrpcAnswer | null)?.result?.data?.json : (parsed as RedeemAnswer | null);
    const redemptions = answer?.redemptions;
    const first =
      Array.isArray(redemptions) && redemptions.length === 1 ? (redemptions[0] as Record<string, unknown>) : undefined;
    const right =
      answer?.orderId === ids.orderId &&
      typeof first?.id === "string" &&
      first.code === target.code &&
      first.couponId === target.couponId &&
      first.amount === target.amount &&
      answer.quote?.discountTotal === target.amount;
    return right ? { kind: "redeemed" } : { kind: "wrong-body", sample: body.slice(0, 300) };
  }
  let error: BareError | undefined;
  if (api === "trpc") {
    const json = (parsed as TrpcError | null)?.error?.json;
    error = json && { code: json.data?.code, reason: json.data?.reason, message: json.message };
  } else error = (parsed as BareError | null) ?? undefined;
  const code = error?.code ?? "?";
  const reason = error?.reason;
  if (status === 409 && code === "CONFLICT" && reason === "EXHAUSTED") return { kind: "exhausted" };
  return {
    kind: "error",
    label: `HTTP ${status} ${code}${reason ? `/${reason}` : ""}`,
    sample: `HTTP ${status}: ${error?.message ?? body.slice(0, 200)}`,
  };
}
