import { createHmac, randomBytes } from "node:crypto";
import { env } from "@/server/env";

/** Every key starts with this, so a leaked key is recognisable (secret scanners, logs). */
export const API_KEY_PREFIX = "cfk_";
/** What lists show of a key: the prefix and the first characters of the random part. */
export const API_KEY_SHOWN_LENGTH = API_KEY_PREFIX.length + 8;
// 32 random bytes: 256 bits, far beyond guessing; base64url keeps the key one token in a header.
const SECRET_BYTES = 32;

let hmacKey: Buffer | undefined;

/**
 * The keyed hash an API key is stored and looked up by: HMAC-SHA256 under a key derived from
 * CODE_HMAC_KEY with its own label, so a database dump yields no usable key and a code hash never
 * equals a key hash.
 */
export function hashApiKey(secret: string, key: Buffer = apiKeyHmacKey()): Buffer {
  return createHmac("sha256", key).update(secret, "utf8").digest();
}

/** A fresh key: the secret (shown once) and what is stored of it. */
export function generateApiKey(): { secret: string; prefix: string; secretHash: Buffer } {
  const secret = `${API_KEY_PREFIX}${randomBytes(SECRET_BYTES).toString("base64url")}`;
  return { secret, prefix: secret.slice(0, API_KEY_SHOWN_LENGTH), secretHash: hashApiKey(secret) };
}

function apiKeyHmacKey(): Buffer {
  hmacKey ??= createHmac("sha256", Buffer.from(env().CODE_HMAC_KEY, "hex")).update("couponforge api-key v1").digest();
  return hmacKey;
}
