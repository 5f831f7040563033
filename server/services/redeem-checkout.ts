import { randomUUID } from "node:crypto";
import { getDb } from "@/server/db/client";
import { findLock } from "@/server/db/queries/gate-records";
import type { Cart, Quote } from "@/server/domain/schemas";
import { admitCheckout } from "./admit-checkout";
import { quoteCheckout, readStoredLock, requireEveryCode, type CheckoutPlan } from "./checkout-quote";
import { NotFoundError } from "./errors";
import { withGate } from "./gate/choose-gate";
import { couponIdsOf, lockNotLive, type GateRecord, type RedemptionRow } from "./gate/gate";
import { runIdempotent, type IdempotentAnswer } from "./run-idempotent";
import { guardCodeGuesses } from "./guard-code-guesses";
import { rulesCustomerOf, type CheckoutCustomerCaller } from "./validate-checkout";

export type RedemptionSummary = { id: string; code: string; couponId: string; amount: number };
export type RedeemResult = { orderId: string; redemptions: RedemptionSummary[]; quote: Quote };
export type RedeemInput = ({ lockId: string } | { codes: string[]; cart: Cart }) & {
  orderId: string;
  idempotencyKey: string;
};

/**
 * checkout.redeem: a lock becomes redemptions, or codes are locked and redeemed in one step; at most
 * once per idempotency key. Let onto the gate first (or 503 before anything is reserved).
 */
export async function redeemCheckout(input: RedeemInput, caller: CheckoutCustomerCaller): Promise<RedeemResult> {
  const { idempotencyKey, ...payload } = input;
  const ref = { scope: caller.customer.id, key: idempotencyKey, operation: "redeem", payload };
  if ("lockId" in input) return admitCheckout(() => runIdempotent(ref, (answer) => redeemLock(input, caller, answer)));
  return admitCheckout(() =>
    guardCodeGuesses(caller, input.codes, () => runIdempotent(ref, (answer) => redeemCodes(input, caller, answer))),
  );
}

/** Codes in one step: the gate quotes the cart on its counters, takes one use of each for good, writes the redemptions. */
async function redeemCodes(
  input: { codes: string[]; cart: Cart; orderId: string },
  caller: CheckoutCustomerCaller,
  answer: IdempotentAnswer,
): Promise<RedeemResult> {
  const sale = {
    customerId: caller.customer.id,
    orderId: input.orderId,
    lockId: null,
    currency: input.cart.currency,
    channel: input.cart.channel ?? null,
  };
  const result = await withGate((gate) =>
    gate.reserve({
      customerId: caller.customer.id,
      hold: null,
      plan: (readUsage) => quoteCheckout(input, rulesCustomerOf(caller), readUsage).then(requireEveryCode),
      record: (plan) => redemptionRecord(plan, sale, answer),
    }),
  );
  answer.done();
  return result;
}

/** A lock: no re-quote; the gate turns the lock's held uses into redemptions while the lock is live. */
async function redeemLock(
  input: { lockId: string; orderId: string },
  caller: CheckoutCustomerCaller,
  answer: IdempotentAnswer,
): Promise<RedeemResult> {
  const lock = await findLock(getDb(), input.lockId);
  if (!lock || lock.customerId !== caller.customer.id) throw new NotFoundError("No such lock.");
  const stored = readStoredLock(lock.quote);
  const plan = { quote: stored.quote, items: stored.items };
  if (lock.status !== "ACTIVE") throw lockNotLive(plan.items);
  const sale = {
    customerId: caller.customer.id,
    orderId: input.orderId,
    lockId: lock.id,
    currency: stored.currency,
    channel: stored.channel,
  };
  const record = redemptionRecord(plan, sale, answer);
  const result = await withGate((gate) =>
    gate.commit({ lock: { id: lock.id, couponIds: couponIdsOf(plan.items) }, plan, record }),
  );
  answer.done();
  return result;
}

type Sale = { customerId: string; orderId: string; lockId: string | null; currency: string; channel: string | null };

/** One redemption row per applied code (ids made here, so the answer can name them) and the answer. */
function redemptionRecord(
  plan: CheckoutPlan,
  sale: Sale,
  answer: IdempotentAnswer,
): GateRecord<RedeemResult> & { rows: { redemptions: RedemptionRow[] } } {
  const rows = plan.items.map((item) => ({
    id: randomUUID(),
    couponId: item.couponId,
    codeId: item.codeId,
    customerId: sale.customerId,
    orderId: sale.orderId,
    lockId: sale.lockId,
    amount: item.amount,
    currency: sale.currency,
    channel: sale.channel,
    perUserUnique: item.perUserUnique,
    codeSingleUse: item.codeSingleUse,
  }));
  const response: RedeemResult = {
    orderId: sale.orderId,
    redemptions: rows.map((row, i) => ({
      id: row.id,
      code: plan.items[i]?.code ?? "",
      couponId: row.couponId,
      amount: row.amount,
    })),
    quote: plan.quote,
  };
  return { response, answer: { ...answer.key, response: answer.stored(response) }, rows: { redemptions: rows } };
}
