import { decryptCode } from "@/server/crypto/code-secrets";
import { getDb } from "@/server/db/client";
import {
  findDeliveryToSend,
  markDeliveryNotSent,
  recordDeliveryAttempt,
  recordEndpointFailure,
  recordEndpointSuccess,
} from "@/server/db/queries/webhooks";
import { toWebhookPayload } from "@/server/domain/webhook-events";
import { env, webhooksMayTargetPrivateAddresses } from "@/server/env";
import { runAdminMutation } from "../run-admin-mutation";
import { postWebhook } from "./post-webhook";

export type DeliveryOutcome =
  | { kind: "sent"; ok: boolean; attempt: number; statusCode: number | null; error: string | null }
  | { kind: "skipped"; why: string };

/**
 * One attempt of a delivery (the pg-boss handler calls it once per try): POST the signed event, record
 * the attempt, and count it toward the endpoint's health. An endpoint that failed
 * WEBHOOK_DISABLE_AFTER_FAILURES times in a row over at least WEBHOOK_DISABLE_AFTER_HOURS is disabled,
 * with a notice and an audit entry. `finalAttempt`: no retry follows, a failure is final (FAILED).
 * The webhook-id is the event's id: the same on every retry and replay.
 */
export async function deliverWebhook(input: {
  deliveryId: string;
  replay?: boolean;
  finalAttempt: boolean;
}): Promise<DeliveryOutcome> {
  const found = await findDeliveryToSend(getDb(), input.deliveryId);
  // The endpoint was deleted (its deliveries with it).
  if (!found) return { kind: "skipped", why: "gone" };
  const { delivery, event, endpoint } = found;
  if (delivery.status === "SUCCEEDED" && !input.replay) return { kind: "skipped", why: "already delivered" };
  if (!endpoint.enabled) {
    // Not sent: the log says why; an admin can replay it once the endpoint is enabled again.
    await markDeliveryNotSent(getDb(), delivery.id, "Not sent: the endpoint was disabled.");
    return { kind: "skipped", why: "endpoint disabled" };
  }

  const result = await postWebhook({
    url: endpoint.url,
    secret: decryptCode(endpoint.secretEncrypted),
    webhookId: event.id,
    body: JSON.stringify(toWebhookPayload(event)),
    timeoutMs: env().WEBHOOK_TIMEOUT_SECONDS * 1000,
    allowPrivate: webhooksMayTargetPrivateAddresses(),
  });
  const ok = result.error === null;
  const { WEBHOOK_DISABLE_AFTER_FAILURES: failures, WEBHOOK_DISABLE_AFTER_HOURS: hours } = env();
  // The attempt, the endpoint's health and (when it is disabled now) the audit entry commit together.
  const attempt = await runAdminMutation(
    { actor: { userId: null, email: null }, operation: "webhooks.deliver", payload: null },
    async (tx, audit) => {
      const number = await recordDeliveryAttempt(tx, {
        deliveryId: delivery.id,
        statusCode: result.statusCode,
        durationMs: result.durationMs,
        error: result.error,
        replay: input.replay ?? false,
        status: ok ? "SUCCEEDED" : input.finalAttempt ? "FAILED" : "PENDING",
      });
      if (ok) {
        await recordEndpointSuccess(tx, endpoint.id);
        return number;
      }
      const reason = `Disabled automatically at ${new Date().toISOString()}: ${failures} failed attempts in a row over ${hours} h or more (last: ${result.error}). Fix the receiver, then enable the endpoint again.`;
      const health = await recordEndpointFailure(tx, endpoint.id, { failures, hours, reason });
      if (health.disabled)
        await audit({
          action: "webhook_endpoint.auto_disable",
          targetType: "webhook_endpoint",
          targetId: endpoint.id,
          before: { enabled: true },
          after: { enabled: false, consecutiveFailures: health.consecutiveFailures, reason },
        });
      return number;
    },
  );
  return { kind: "sent", ok, attempt, statusCode: result.statusCode, error: result.error };
}
