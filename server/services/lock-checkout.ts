import { randomUUID } from "node:crypto";
import type { Cart, Quote } from "@/server/domain/schemas";
import { env } from "@/server/env";
import { admitCheckout } from "./admit-checkout";
import { quoteCheckout, requireEveryCode, type CheckoutPlan, type StoredLock } from "./checkout-quote";
import { withGate } from "./gate/choose-gate";
import type { GateRecord } from "./gate/gate";
import { runIdempotent, type IdempotentAnswer } from "./run-idempotent";
import { guardCodeGuesses } from "./guard-code-guesses";
import { rulesCustomerOf, type CheckoutCustomerCaller } from "./validate-checkout";

export type LockResult = { lockId: string; expiresAt: string; quote: Quote };
type LockInput = { codes: string[]; cart: Cart; idempotencyKey: string };

/**
 * checkout.lock: reserves one use of every code, coupon limit, budget and per-user limit for
 * LOCK_TTL_SECONDS, all or nothing, once per idempotency key.
 *
 * Let onto the gate (or 503 before anything is reserved), refused while the caller is over the
 * failed-guess limits, claimed once per key; then the gate quotes the cart on its own counters, takes
 * the uses (at most MAX_LIVE_LOCKS_PER_CUSTOMER live locks per shopper and coupon) and writes the lock
 * with its answer in one statement.
 */
export async function lockCheckout(
  input: LockInput,
  caller: CheckoutCustomerCaller,
  opts: { ttlMs?: number } = {},
): Promise<LockResult> {
  const ref = {
    scope: caller.customer.id,
    key: input.idempotencyKey,
    operation: "lock",
    payload: { codes: input.codes, cart: input.cart },
  };
  const ttlMs = opts.ttlMs ?? env().LOCK_TTL_SECONDS * 1000;
  return admitCheckout(() =>
    guardCodeGuesses(caller, input.codes, () =>
      runIdempotent(ref, (answer) => lockCodes(input, caller, ttlMs, answer)),
    ),
  );
}

async function lockCodes(
  input: LockInput,
  caller: CheckoutCustomerCaller,
  ttlMs: number,
  answer: IdempotentAnswer,
): Promise<LockResult> {
  const lockId = randomUUID();
  const result = await withGate((gate) =>
    gate.reserve({
      customerId: caller.customer.id,
      hold: { lockId, ttlMs },
      plan: (readUsage) => quoteCheckout(input, rulesCustomerOf(caller), readUsage).then(requireEveryCode),
      record: (plan, expiresAt) => lockRecord({ lockId, expiresAt, input, caller, plan, answer }),
    }),
  );
  answer.done();
  return result;
}

/** The lock row (with what redeeming it needs: the quote and its items) and the answer it carries. */
function lockRecord(lock: {
  lockId: string;
  expiresAt: Date;
  input: LockInput;
  caller: CheckoutCustomerCaller;
  plan: CheckoutPlan;
  answer: IdempotentAnswer;
}): GateRecord<LockResult> {
  const { lockId, expiresAt, input, plan, answer } = lock;
  const response: LockResult = { lockId, expiresAt: expiresAt.toISOString(), quote: plan.quote };
  const stored: StoredLock = {
    quote: plan.quote,
    items: plan.items,
    currency: input.cart.currency,
    channel: input.cart.channel ?? null,
  };
  return {
    response,
    answer: { ...answer.key, response: answer.stored(response) },
    rows: {
      lock: {
        id: lockId,
        customerId: lock.caller.customer.id,
        expiresAt,
        cart: input.cart,
        quote: stored,
        items: plan.items,
      },
    },
  };
}
