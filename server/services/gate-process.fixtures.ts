/**
 * A second app process for the multi-process gate tests (shared-gate-mode.int.test.ts): forked with its
 * own environment (its own Redis URL, say), it runs checkout.redeem on command over IPC, as another
 * instance or the Next child would. Not a test file: the test forks it.
 */
import { randomUUID } from "node:crypto";
import { CheckoutRejectedError } from "./errors";
import { TEST_CART, testCaller } from "./gate-test-fixtures";
import { redeemCheckout } from "./redeem-checkout";

export type GateProcessRequest = { id: number; code: string; customerId: string };
export type GateProcessReply =
  { ready: true } | { id: number; ok: true } | { id: number; ok: false; reason?: string; error?: string };

const send = (reply: GateProcessReply) => process.send?.(reply);

process.on("message", async ({ id, code, customerId }: GateProcessRequest) => {
  try {
    await redeemCheckout(
      { codes: [code], cart: TEST_CART, orderId: `order-${randomUUID()}`, idempotencyKey: randomUUID() },
      testCaller(customerId, 91),
    );
    send({ id, ok: true });
  } catch (error) {
    if (error instanceof CheckoutRejectedError) send({ id, ok: false, reason: error.rejected[0]?.reason });
    else send({ id, ok: false, error: error instanceof Error ? error.message : String(error) });
  }
});
process.on("disconnect", () => process.exit(0));
send({ ready: true });
