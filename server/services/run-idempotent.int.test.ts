import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openJson } from "@/server/crypto/code-secrets";
import { getDb } from "@/server/db/client";
import { findUserByEmail } from "@/server/db/queries/find-user-by-email";
import { IdempotencyKeyLostError, insertRedemptionsAnswered } from "@/server/db/queries/gate-records";
import { claimIdempotencyKeys, takeOverStaleKey } from "@/server/db/queries/idempotency";
import { idempotencyKeys } from "@/server/db/schema";
import { countRedemptions, makeTestCoupon } from "./gate-test-fixtures";
import { runIdempotent } from "./run-idempotent";

// runIdempotent against the real Postgres: a key taken over from an owner presumed dead (30 s without
// an answer) belongs to the new owner only; the old owner's late answer or release touches nothing.

const scopes: string[] = [];
afterAll(async () => {
  for (const scope of scopes) await getDb().delete(idempotencyKeys).where(eq(idempotencyKeys.scope, scope));
});

function newRef() {
  const scope = `owner-test-${randomUUID()}`;
  scopes.push(scope);
  return { scope, key: "k", operation: "test", payload: { n: 1 } };
}

/** An owner that starts, then waits until the test lets it finish. */
function slowOwner<T>(ref: ReturnType<typeof newRef>, finish: () => Promise<T>) {
  let started!: () => void;
  let go!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const released = new Promise<void>((resolve) => (go = resolve));
  const result = runIdempotent(ref, async () => {
    started();
    await released;
    return finish();
  });
  result.catch(() => undefined); // awaited by the test
  return { running, go, result };
}

/** Makes the current owner look dead: its claim is older than the takeover bound. */
async function ageClaim(ref: { scope: string; key: string }) {
  await getDb()
    .update(idempotencyKeys)
    .set({ createdAt: sql`now() - interval '1 minute'` })
    .where(and(eq(idempotencyKeys.scope, ref.scope), eq(idempotencyKeys.key, ref.key)));
}

/** The key's row, its answer opened (answers are stored sealed). */
async function rowOf(ref: { scope: string; key: string }) {
  const [row] = await getDb()
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.scope, ref.scope), eq(idempotencyKeys.key, ref.key)));
  return row && { ...row, response: row.response === null ? null : openJson(row.response) };
}

describe("runIdempotent after a takeover", () => {
  it("a stale owner's late answer changes nothing: the key keeps the new owner's answer, and the stale owner gets it too", async () => {
    const ref = newRef();
    const stale = slowOwner(ref, async () => "stale answer");
    await stale.running;
    await ageClaim(ref);
    expect(await runIdempotent(ref, async () => "new answer")).toBe("new answer");

    stale.go();
    const staleResult = await stale.result;
    expect(await rowOf(ref)).toMatchObject({ status: "DONE", response: { ok: true, value: "new answer" } });
    expect(staleResult).toBe("new answer");
  });

  it("a stale owner's failure does not free the key the new owner is still working on", async () => {
    const ref = newRef();
    const stale = slowOwner(ref, async () => {
      throw new Error("the stale owner's dependency failed");
    });
    await stale.running;
    await ageClaim(ref);
    const current = slowOwner(ref, async () => "new answer");
    await current.running;

    stale.go();
    await expect(stale.result).rejects.toThrow("the stale owner's dependency failed");
    // Still claimed by the new owner: a retry now would wait for it, not run the call a third time.
    expect(await rowOf(ref)).toMatchObject({ status: "IN_PROGRESS" });
    current.go();
    expect(await current.result).toBe("new answer");
    expect(await rowOf(ref)).toMatchObject({ status: "DONE", response: { ok: true, value: "new answer" } });
  });
});

describe("insertRedemptionsAnswered after a takeover", () => {
  it("the stale owner's redemptions are not written (the new owner's call is the only one)", async () => {
    const adminId = (await findUserByEmail(getDb(), "admin@demo.test"))!.id;
    const { couponId, codeId } = await makeTestCoupon(adminId, "OWNER", {});
    const ref = newRef();
    const staleToken = randomUUID();
    const claim = { ...ref, operation: "redeem", requestHash: "h", ttlHours: 1 };
    expect(await claimIdempotencyKeys(getDb(), [{ ...claim, ownerToken: staleToken }])).toEqual([true]);
    await ageClaim(ref);
    expect(await takeOverStaleKey(getDb(), { ...ref, ownerToken: randomUUID(), staleSeconds: 30 })).toBe(true);

    const row = {
      id: randomUUID(),
      couponId,
      codeId,
      customerId: "stale-owner",
      orderId: "order-stale",
      lockId: null,
      amount: 100,
      currency: "USD",
      channel: "web",
      perUserUnique: false,
      codeSingleUse: false,
    };
    const answer = { scope: ref.scope, key: ref.key, ownerToken: staleToken, response: { ok: true, value: "stale" } };
    await expect(insertRedemptionsAnswered(getDb(), [{ rows: [row], answer }])).rejects.toBeInstanceOf(
      IdempotencyKeyLostError,
    );
    expect(await countRedemptions(couponId)).toBe(0);
    expect(await rowOf(ref)).toMatchObject({ status: "IN_PROGRESS", response: null });
  });
});
