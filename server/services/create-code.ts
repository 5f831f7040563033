import { randomBytes } from "node:crypto";
import { hashCodeForLookup, encryptCode } from "@/server/crypto/code-secrets";
import { insertCode } from "@/server/db/queries/codes";
import type { CreateCodeInput } from "@/server/domain/admin-inputs";
import { parseCode } from "@/server/domain/code-format";
import { generateCodes } from "@/server/domain/code-generator";
import { env } from "@/server/env";
import { getRedis } from "@/server/redis/client";
import { invalidateCache } from "@/server/redis/rules-cache";
import { ConflictError, InvalidInputError, isForeignKeyViolation, isUniqueViolation } from "./errors";
import { getCouponOrThrow } from "./get-coupon";
import { runAdminMutation, type AdminActor } from "./run-admin-mutation";

export type CreatedCode = {
  id: string;
  code: string;
  couponId: string;
  kind: "SHARED" | "UNIQUE";
  maxRedemptions: number | null;
  assignedUserId: string | null;
};

const GENERATION_ATTEMPTS = 5;

/** One shared or unique code; the plaintext is returned once here and stored only hashed + encrypted. */
export async function createCode(input: CreateCodeInput, actor: AdminActor = { userId: null }): Promise<CreatedCode> {
  await getCouponOrThrow(input.couponId);
  const maxRedemptions = input.maxRedemptions !== undefined ? input.maxRedemptions : input.kind === "UNIQUE" ? 1 : null;

  for (let attempt = 1; attempt <= GENERATION_ATTEMPTS; attempt += 1) {
    const display = input.code ?? generateOne();
    const parsed = parseCode(display);
    if (!parsed.ok) throw new InvalidInputError(`Code: ${parsed.message}`);
    const lookupHash = hashCodeForLookup(parsed.key);
    try {
      const row = await runAdminMutation(
        { actor, operation: "admin.codes.create", payload: input },
        async (tx, audit) => {
          const inserted = await insertCode(tx, {
            couponId: input.couponId,
            lookupHash,
            codeEncrypted: encryptCode(parsed.code),
            kind: input.kind,
            maxRedemptions,
            assignedUserId: input.assignedUserId ?? null,
            assignedAt: input.assignedUserId ? new Date() : null,
          });
          // The code itself stays out of the log (unique codes are bearer secrets).
          await audit({
            action: "code.create",
            targetType: "code",
            targetId: inserted.id,
            before: null,
            after: { couponId: inserted.couponId, kind: inserted.kind, maxRedemptions: inserted.maxRedemptions },
          });
          return inserted;
        },
      );
      await forgetMissingMarker(lookupHash);
      return {
        id: row.id,
        code: parsed.code,
        couponId: row.couponId,
        kind: row.kind,
        maxRedemptions: row.maxRedemptions,
        assignedUserId: row.assignedUserId,
      };
    } catch (error) {
      if (isForeignKeyViolation(error, "codes_assigned_user_id_users_id_fk"))
        throw new InvalidInputError("assignedUserId: no user with this id.");
      if (!isUniqueViolation(error, "codes_lookup_hash_key")) throw error;
      // A chosen code that exists is the admin's conflict; a generated one is just drawn again.
      if (input.code !== undefined)
        throw new ConflictError("This code already exists (codes are compared without case, spaces or dashes).");
    }
  }
  throw new ConflictError("Could not draw an unused code; try a longer code length.");
}

function generateOne(): string {
  const result = generateCodes({ count: 1, length: env().CODE_LENGTH, alphabet: env().CODE_ALPHABET }, (n) =>
    randomBytes(n),
  );
  if (!result.ok) throw new InvalidInputError(result.message);
  return result.codes[0]!;
}

// Guesses of this code may have been cached as "missing"; the new code must work at once.
async function forgetMissingMarker(lookupHash: Buffer): Promise<void> {
  const redis = getRedis();
  if (!redis) return;
  try {
    await invalidateCache(redis, { lookupHashesHex: [lookupHash.toString("hex")] });
  } catch (error) {
    console.warn("[create-code] could not clear the cached miss; it expires within 30 s", error);
  }
}
