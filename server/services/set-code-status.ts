import { findCodeForUpdate, updateCodeStatus } from "@/server/db/queries/codes";
import { getRedis } from "@/server/redis/client";
import { invalidateCache } from "@/server/redis/rules-cache";
import { forgetLocalCopies } from "./checkout-quote";
import { NotFoundError } from "./errors";
import { runAdminMutation, type AdminActor } from "./run-admin-mutation";

/**
 * admin.codes.setStatus: disable (or re-enable) one code. After the commit its cached look-ups
 * (this process's and Redis's) are dropped, so validate, lock and redeem read the new status at once.
 */
export async function setCodeStatus(input: { id: string; status: "ACTIVE" | "DISABLED" }, actor: AdminActor) {
  const result = await runAdminMutation(
    { actor, operation: "admin.codes.setStatus", payload: input },
    async (tx, audit) => {
      const current = await findCodeForUpdate(tx, input.id);
      if (!current) throw new NotFoundError("No code with this id.");
      const lookupHashHex = current.lookupHash.toString("hex");
      if (current.status === input.status) return { id: current.id, status: current.status, lookupHashHex };
      const updated = await updateCodeStatus(tx, input.id, input.status);
      if (!updated) throw new NotFoundError("No code with this id.");
      await audit({
        action: input.status === "DISABLED" ? "code.disable" : "code.enable",
        targetType: "code",
        targetId: updated.id,
        before: { status: current.status, couponId: current.couponId },
        after: { status: updated.status, couponId: updated.couponId },
      });
      return { id: updated.id, status: updated.status, lookupHashHex };
    },
  );
  forgetLocalCopies({ lookupHashesHex: [result.lookupHashHex] });
  const redis = getRedis();
  // No breaker here: a failed delete is a stale cache for at most its TTL, so say so loudly.
  if (redis)
    await invalidateCache(redis, { lookupHashesHex: [result.lookupHashHex] }).catch((error: unknown) =>
      console.error("[set-code-status] could not drop the cached code; it expires within its TTL", error),
    );
  return { id: result.id, status: result.status };
}
