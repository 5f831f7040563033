/**
 * The one workload both targets of `npm run bench:validate` answer: a hot shared
 * code on a realistic cart, the request each target expects, and the check that
 * a response is the right quote. Shared by the orchestrator and the load client
 * so both targets are driven and judged identically.
 */

export const HOT_CODE = "HOTCODE1";
export const PERCENT_BPS = 1500;

/** Every request claims this client address, so the rate limiter sees one caller (loopback: no real address leaks in). */
export const CLIENT_IP = "127.0.0.1";

/** Five lines from the seeded catalog (server/db/demo-data.ts), as the demo checkout sends them. */
export const BENCH_CART = {
  currency: "USD",
  items: [
    { productId: "espresso-beans", categoryIds: ["coffee"], unitPrice: 2450, quantity: 2 },
    { productId: "sencha", categoryIds: ["tea"], unitPrice: 990, quantity: 1 },
    { productId: "biscotti", categoryIds: ["snacks"], unitPrice: 499, quantity: 3 },
    { productId: "grinder", categoryIds: ["gear"], unitPrice: 14900, quantity: 1 },
    { productId: "mug", categoryIds: ["merch"], unitPrice: 1500, quantity: 2 },
  ],
  shipping: 500,
  channel: "web",
};

export type ExpectedQuote = { subtotal: number; discountTotal: number; total: number };

/**
 * Worked out here by hand rather than by the engine, so the check would catch an
 * engine that quietly stopped applying the code: 15 % of the subtotal, half up.
 */
export function expectedQuote(): ExpectedQuote {
  const subtotal = BENCH_CART.items.reduce((sum, item) => sum + item.unitPrice * item.quantity, 0);
  const discountTotal = Math.floor((subtotal * PERCENT_BPS * 2 + 10_000) / 20_000);
  return { subtotal, discountTotal, total: subtotal - discountTotal + BENCH_CART.shipping };
}

export type TargetKind = "trpc" | "bare";

export const TRPC_PATH = "/api/trpc/checkout.validate";
export const BARE_PATH = "/validate";

/** The POST body each target takes: tRPC wraps its superjson input in `json`; the bare server takes the input as is. */
export function requestBody(kind: TargetKind): string {
  const input = { codes: [HOT_CODE], cart: BENCH_CART };
  return JSON.stringify(kind === "trpc" ? { json: input } : input);
}

export const REQUEST_HEADERS = { "content-type": "application/json", "x-forwarded-for": CLIENT_IP };

/** Null when the response is a 200 carrying the expected quote; otherwise what was wrong (for the error samples). */
export function checkResponse(kind: TargetKind, status: number, body: string, expected: ExpectedQuote): string | null {
  if (status !== 200) return `HTTP ${status}: ${body.slice(0, 300)}`;
  let quote: unknown;
  try {
    const parsed: unknown = JSON.parse(body);
    quote = kind === "trpc" ? (parsed as { result?: { data?: { json?: unknown } } }).result?.data?.json : parsed;
  } catch {
    return `not JSON: ${body.slice(0, 300)}`;
  }
  const q = quote as Partial<ExpectedQuote & { applied: Array<{ code?: string }> }> | undefined;
  const applied = Array.isArray(q?.applied) && q.applied.length === 1 && q.applied[0]?.code === HOT_CODE;
  if (
    !applied ||
    q?.subtotal !== expected.subtotal ||
    q.discountTotal !== expected.discountTotal ||
    q.total !== expected.total
  ) {
    return `wrong quote: ${body.slice(0, 300)}`;
  }
  return null;
}
