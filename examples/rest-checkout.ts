/**
 * A server-side checkout calling CouponForge's REST API with an API key: validate the shopper's codes,
 * lock them when payment starts, then redeem the lock once the payment succeeds (or unlock it when the
 * payment fails). Plain `fetch`, no dependency: copy it into any Node 18+, Deno or Bun service. The
 * contract is /api/openapi.json (rendered at /api/docs) if you would rather generate a client.
 *
 * Run it:  COUPONFORGE_URL=http://localhost:3000 COUPONFORGE_API_KEY=cfk_... npx tsx examples/rest-checkout.ts SUMMER20
 * (the key needs the `checkout` scope: admin console, API keys).
 */

export type Cart = {
  currency: string;
  items: Array<{ productId: string; categoryIds?: string[]; unitPrice: number; quantity: number }>;
  shipping?: number;
};
export type Customer = { id: string; email?: string; previousOrders?: number };
export type Quote = {
  currency: string;
  subtotal: number;
  discountTotal: number;
  shipping: number;
  shippingDiscount: number;
  total: number;
  applied: Array<{ code: string; couponId: string; kind: string; amount: number }>;
  rejected: Array<{ code: string; reason: string; message: string }>;
};
export type Lock = { lockId: string; expiresAt: string; quote: Quote };
export type Redemption = {
  orderId: string;
  redemptions: Array<{ id: string; code: string; couponId: string; amount: number }>;
  quote: Quote;
};

/** An error answer of the API: `{ error: { code, reason?, message, details? } }` with its HTTP status. */
export class CouponApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly reason?: string,
    readonly details?: unknown,
  ) {
    super(`${status} ${code}${reason ? ` (${reason})` : ""}: ${message}`);
  }
}

export function couponClient(options: { baseUrl: string; apiKey: string; fetch?: typeof fetch }) {
  const send = options.fetch ?? fetch;
  async function post<T>(path: string, body: unknown): Promise<T> {
    const response = await send(`${options.baseUrl.replace(/\/$/, "")}/api/v1${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${options.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const payload = (await response.json()) as
      T | { error: { code: string; reason?: string; message: string; details?: unknown } };
    if (!response.ok) {
      const { error } = payload as { error: { code: string; reason?: string; message: string; details?: unknown } };
      throw new CouponApiError(response.status, error.code, error.message, error.reason, error.details);
    }
    return payload as T;
  }
  return {
    /** Read-only: what the codes would take off this cart for this customer. */
    validate: (input: { codes: string[]; cart: Cart; customer?: Customer }) => post<Quote>("/checkout/validate", input),
    /** Reserves one use of every code, all or nothing (409 with per-code reasons otherwise). */
    lock: (input: { codes: string[]; cart: Cart; customer: Customer; idempotencyKey: string }) =>
      post<Lock>("/checkout/lock", input),
    /** The lock becomes redemptions; retrying with the same idempotency key returns the first answer. */
    redeem: (input: { lockId: string; customer: Customer; orderId: string; idempotencyKey: string }) =>
      post<Redemption>("/checkout/redeem", input),
    /** Payment failed: give the reservations back now instead of waiting for the lock to expire. */
    unlock: (input: { lockId: string; customer: Customer }) => post<{ released: boolean }>("/checkout/unlock", input),
  };
}

/** The whole flow for one order: validate, lock, (pay), redeem; unlock if the payment fails. */
export async function checkoutWithCoupons(
  client: ReturnType<typeof couponClient>,
  order: { orderId: string; codes: string[]; cart: Cart; customer: Customer; pay: (total: number) => Promise<boolean> },
): Promise<{ quote: Quote; redemption: Redemption | null }> {
  const quote = await client.validate(order);
  const usable = quote.applied.map((discount) => discount.code);
  if (usable.length === 0) return { quote, redemption: null };
  // One idempotency key per step of this order: a retry after a timeout can never lock or redeem twice.
  const lock = await client.lock({ ...order, codes: usable, idempotencyKey: `${order.orderId}:lock` });
  if (!(await order.pay(lock.quote.total))) {
    await client.unlock({ lockId: lock.lockId, customer: order.customer });
    return { quote: lock.quote, redemption: null };
  }
  const redemption = await client.redeem({
    lockId: lock.lockId,
    customer: order.customer,
    orderId: order.orderId,
    idempotencyKey: `${order.orderId}:redeem`,
  });
  return { quote: lock.quote, redemption };
}

async function main(): Promise<void> {
  const baseUrl = process.env.COUPONFORGE_URL ?? "http://localhost:3000";
  const apiKey = process.env.COUPONFORGE_API_KEY;
  if (!apiKey) throw new Error("Set COUPONFORGE_API_KEY (an API key with the checkout scope).");
  const codes = process.argv.slice(2);
  const orderId = `example-${Date.now().toString(36)}`;
  const result = await checkoutWithCoupons(couponClient({ baseUrl, apiKey }), {
    orderId,
    codes: codes.length > 0 ? codes : ["SUMMER20"],
    cart: {
      currency: "USD",
      items: [{ productId: "espresso-beans", categoryIds: ["coffee"], unitPrice: 2450, quantity: 2 }],
      shipping: 500,
    },
    customer: { id: process.env.COUPONFORGE_CUSTOMER_ID ?? `customer-${orderId}`, email: "buyer@example.test" },
    pay: async () => true,
  });
  console.log(JSON.stringify(result, null, 2));
}

// Run as a script (not when imported by a test).
if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
