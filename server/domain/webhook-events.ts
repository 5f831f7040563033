// The events the platform publishes (the outbox, server/db/schema.ts `events`) and the JSON a webhook receives.

/** Every event type an endpoint can subscribe to. */
export const WEBHOOK_EVENT_TYPES = [
  "coupon.created",
  "coupon.updated",
  "coupon.disabled",
  "code.redeemed",
  "redemption.voided",
  "lock.expired",
  "job.finished",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The type sent by "send test event": never written by a change, deliverable to any endpoint. */
export const WEBHOOK_TEST_EVENT_TYPE = "webhook.test";

/**
 * The body of every webhook (stable; README "Webhooks"): the event's id (also the webhook-id header,
 * the same on every retry and replay, so receivers dedupe on it), its type, when it happened, and
 * the type's data.
 */
export type WebhookPayload = { id: string; type: string; timestamp: string; data: unknown };

export function toWebhookPayload(event: { id: string; type: string; createdAt: Date; data: unknown }): WebhookPayload {
  return { id: event.id, type: event.type, timestamp: event.createdAt.toISOString(), data: event.data };
}
