/**
 * The workload of `npm run bench:redeem`, shared by the orchestrator (its first request) and the load
 * client: the request a shopper's checkout sends to checkout.redeem, and how an answer is judged.
 */
import { BENCH_CART, CLIENT_IP } from "./scenario";

export const REDEEM_PATH = "/api/trpc/checkout.redeem";

/** FIXED 100.00 USD (minor units) on BENCH_CART (252.87 USD): the whole amount always applies. */
export const FIXED_AMOUNT = 10_000;

/** The coupon a phase redeems, and what every acknowledged redemption of it must say. */
export type RedeemTarget = { code: string; couponId: string; amount: number };

/** One request: its own order and idempotency key, as a real checkout makes them. */
export type RedeemIds = { orderId: string; idempotencyKey: string };

const CART_JSON = JSON.stringify(BENCH_CART);

/** The superjson POST body of checkout.redeem with codes (lock and redeem in one step). Ids are [A-Za-z0-9-]: no escaping needed. */
export function redeemBody(code: string, ids: RedeemIds): string {
  return `{"json":{"codes":[${JSON.stringify(code)}],"cart":${CART_JSON},"orderId":"${ids.orderId}","idempotencyKey":"${ids.idempotencyKey}"}}`;
}

/** Every request claims the same loopback client address (the rate limiter only counts unknown codes anyway). */
export function redeemHeaders(cookie: string): Record<string, string> {
  return { "content-type": "application/json", cookie, "x-forwarded-for": CLIENT_IP };
}

export type RedeemOutcome =
  | { kind: "redeemed" }
  /** HTTP 409, data.code CONFLICT, data.reason EXHAUSTED: the expected refusal once the limit is reached. */
  | { kind: "exhausted" }
  /** A 200 whose body is not the redemption asked for: still an acknowledged redemption, but a defect. */
  | { kind: "wrong-body"; sample: string }
  | { kind: "error"; label: string; sample: string };

type TrpcError = { error?: { json?: { message?: string; data?: { code?: string; reason?: string } } } };
type RedeemAnswer = { result?: { data?: { json?: { orderId?: unknown; redemptions?: unknown; quote?: { discountTotal?: unknown } } } } };

export function classifyRedeem(status: number, body: string, target: RedeemTarget, ids: RedeemIds): RedeemOutcome {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    const sample = `HTTP ${status}, not JSON: ${body.slice(0, 200)}`;
    return status === 200 ? { kind: "wrong-body", sample } : { kind: "error", label: `HTTP ${status} (not JSON)`, sample };
  }
  if (status === 200) {
    const answer = (parsed as RedeemAnswer).result?.data?.json;
    const redemptions = answer?.redemptions;
    const first = Array.isArray(redemptions) && redemptions.length === 1 ? (redemptions[0] as Record<string, unknown>) : undefined;
    const right =
      answer?.orderId === ids.orderId &&
      typeof first?.id === "string" &&
      first.code === target.code &&
      first.couponId === target.couponId &&
      first.amount === target.amount &&
      answer.quote?.discountTotal === target.amount;
    return right ? { kind: "redeemed" } : { kind: "wrong-body", sample: body.slice(0, 300) };
  }
  const error = (parsed as TrpcError).error?.json;
  const code = error?.data?.code ?? "?";
  const reason = error?.data?.reason;
  if (status === 409 && code === "CONFLICT" && reason === "EXHAUSTED") return { kind: "exhausted" };
  return { kind: "error", label: `HTTP ${status} ${code}${reason ? `/${reason}` : ""}`, sample: `HTTP ${status}: ${error?.message ?? body.slice(0, 200)}` };
}
