import type { WebhookEndpointRow } from "@/server/db/schema";

export type WebhookEndpointView = Omit<WebhookEndpointRow, "secretEncrypted">;

/** An endpoint as the console and the audit log see it: never its secret. */
export function mapWebhookEndpoint(row: WebhookEndpointRow): WebhookEndpointView {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- picked out to leave it out
  const { secretEncrypted, ...view } = row;
  return view;
}
