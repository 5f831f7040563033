import { createCipheriv, createDecipheriv, createHmac, randomFillSync } from "node:crypto";
import { env } from "@/server/env";

const IV_BYTES = 12;
const TAG_BYTES = 16;

type Keys = { hmac: Buffer; encryption: Buffer };
let keys: Keys | undefined;

function getKeys(): Keys {
  keys ??= { hmac: Buffer.from(env().CODE_HMAC_KEY, "hex"), encryption: Buffer.from(env().CODE_ENCRYPTION_KEY, "hex") };
  return keys;
}

/**
 * The keyed look-up hash of a code's look-up key (domain codeLookupKey): the
 * only form in which codes are searchable, so a database dump alone yields no
 * redeemable unique code.
 */
export function hashCodeForLookup(lookupKey: string, hmacKey: Buffer = getKeys().hmac): Buffer {
  return createHmac("sha256", hmacKey).update(lookupKey, "utf8").digest();
}

/**
 * Fresh random IVs, drawn from the CSPRNG a pool at a time (one getrandom per IV_POOL_IVS IVs instead of
 * one per seal, as node's randomUUID does): each IV is used once, then the pool is refilled.
 */
const IV_POOL_IVS = 256;
const ivPool = Buffer.alloc(IV_BYTES * IV_POOL_IVS);
let ivAt = ivPool.length;
/** A view into the pool: valid until the next refill, so use it synchronously (cipher and output copy it). */
function freshIv(): Buffer {
  if (ivAt === ivPool.length) {
    randomFillSync(ivPool);
    ivAt = 0;
  }
  const iv = ivPool.subarray(ivAt, ivAt + IV_BYTES);
  ivAt += IV_BYTES;
  return iv;
}

/** AES-256-GCM of the display form: iv (12) | tag (16) | ciphertext. A fresh random IV per call. */
export function encryptCode(display: string, encryptionKey: Buffer = getKeys().encryption): Buffer {
  const iv = freshIv();
  const cipher = createCipheriv("aes-256-gcm", encryptionKey, iv);
  const ciphertext = Buffer.concat([cipher.update(display, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

/** Decrypts and authenticates; throws if the blob was tampered with or the key is wrong. */
export function decryptCode(blob: Buffer, encryptionKey: Buffer = getKeys().encryption): string {
  const iv = blob.subarray(0, IV_BYTES);
  const tag = blob.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", encryptionKey, iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(blob.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
}

/** A JSON value sealed for storage: AES-256-GCM with the code key, so stored answers and locks name no code in plaintext. */
export type SealedJson = { sealed: string };

export function sealJson(value: unknown, encryptionKey: Buffer = getKeys().encryption): SealedJson {
  return { sealed: encryptCode(JSON.stringify(value ?? null), encryptionKey).toString("base64") };
}

/** The value sealJson sealed; anything else (a row written before sealing) as it is. Throws if tampered with. */
export function openJson(stored: unknown, encryptionKey: Buffer = getKeys().encryption): unknown {
  if (stored && typeof stored === "object" && "sealed" in stored && typeof stored.sealed === "string")
    return JSON.parse(decryptCode(Buffer.from(stored.sealed, "base64"), encryptionKey)) as unknown;
  return stored;
}
