// API keys: scopes and the admin inputs (the console's form uses the same schemas).

import { z } from "zod";
import { Channel, StoredText } from "./schemas";

/**
 * What a key may do. `checkout`: validate, lock, unlock and redeem for a customer it names.
 * `admin:read`: the read-only admin procedures of the REST mirror (coupons, codes, redemptions).
 * `admin:write`: their changes (and, like a full admin, their reads).
 */
export const API_KEY_SCOPES = ["checkout", "admin:read", "admin:write"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
export const ApiKeyScope = z.enum(API_KEY_SCOPES, { error: `A scope is one of: ${API_KEY_SCOPES.join(", ")}.` });

/** Longest grace a rotation may give the old key: long enough to roll a fleet, short enough to matter. */
export const MAX_ROTATION_GRACE_HOURS = 24 * 30;

const apiKeyId = z.uuid({ error: "An API key id is a UUID." });

export const createApiKeyInput = z.object({
  name: StoredText(100, "The name")
    .transform((value) => value.trim())
    .pipe(z.string().min(1, { error: "Give the key a name (who or what uses it)." })),
  scopes: z
    .array(ApiKeyScope)
    .min(1, { error: "Choose at least one scope." })
    .max(API_KEY_SCOPES.length)
    .transform((scopes) => [...new Set(scopes)]),
  channel: Channel,
});
export type CreateApiKeyInput = z.infer<typeof createApiKeyInput>;

export const revokeApiKeyInput = z.object({ id: apiKeyId });

export const rotateApiKeyInput = z.object({
  id: apiKeyId,
  /** How long the old key keeps working (0: it stops now). */
  graceHours: z
    .int({ error: "The grace period is a whole number of hours." })
    .min(0, { error: "The grace period cannot be negative." })
    .max(MAX_ROTATION_GRACE_HOURS, { error: `The grace period is at most ${MAX_ROTATION_GRACE_HOURS} hours.` }),
});
export type RotateApiKeyInput = z.infer<typeof rotateApiKeyInput>;

/** Whether a key's scopes allow an action (admin:write includes admin:read). */
export function hasScope(scopes: readonly string[], needed: ApiKeyScope): boolean {
  if (scopes.includes(needed)) return true;
  return needed === "admin:read" && scopes.includes("admin:write");
}
