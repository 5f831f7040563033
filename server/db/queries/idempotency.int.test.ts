import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { createDatabase, getDb } from "@/server/db/client";
import { env } from "@/server/env";
import { idempotencyKeys } from "@/server/db/schema";
import { claimIdempotencyKeys, readIdempotencyKey } from "./idempotency";

// claimIdempotencyKeys against the real Postgres (globalSetup): one INSERT claims many keys.

const scopes: string[] = [];
/** A scope of its own per test, so tests never see each other's keys. */
function newScope(): string {
  const scope = `claim-test-${randomUUID()}`;
  scopes.push(scope);
  return scope;
}

afterAll(async () => {
  for (const scope of scopes) await getDb().delete(idempotencyKeys).where(eq(idempotencyKeys.scope, scope));
});

const claim = (
  scope: string,
  key: string,
  over: { operation?: string; requestHash?: string; ttlHours?: number } = {},
) => ({
  scope,
  key,
  ownerToken: randomUUID(),
  operation: over.operation ?? "redeem",
  requestHash: over.requestHash ?? `hash-of-${key}`,
  ttlHours: over.ttlHours ?? 48,
});

async function rowsOf(scope: string) {
  return getDb().select().from(idempotencyKeys).where(eq(idempotencyKeys.scope, scope)).orderBy(idempotencyKeys.key);
}

/** A Postgres error as its SQLSTATE and message (drizzle's own message carries the whole statement). */
function briefly(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause ?? error;
  const { code, message } = cause as { code?: string; message?: string };
  return `${code ?? "?"} ${message ?? String(cause)}`;
}

describe("claimIdempotencyKeys", () => {
  it("empty input returns []", async () => {
    expect(await claimIdempotencyKeys(getDb(), [])).toEqual([]);
  });

  it("several distinct keys in one call are all claimed, each stored IN_PROGRESS with its own operation, hash and expiry", async () => {
    const scope = newScope();
    const other = newScope();
    const result = await claimIdempotencyKeys(getDb(), [
      claim(scope, "k1", { ttlHours: 1 }),
      claim(scope, "k2", { operation: "lock", ttlHours: 24 }),
      claim(other, "k1", { requestHash: "other-scope-hash" }),
      claim(scope, "k3"),
    ]);
    expect(result).toEqual([true, true, true, true]);
    const rows = await rowsOf(scope);
    expect(rows.map((r) => [r.key, r.operation, r.requestHash, r.status, r.response])).toEqual([
      ["k1", "redeem", "hash-of-k1", "IN_PROGRESS", null],
      ["k2", "lock", "hash-of-k2", "IN_PROGRESS", null],
      ["k3", "redeem", "hash-of-k3", "IN_PROGRESS", null],
    ]);
    // Each row's own ttl.
    const [hours] = await getDb().execute<{ k1: number; k2: number; k3: number }>(sql`
      select
        round(extract(epoch from max(expires_at - created_at) filter (where key = 'k1')) / 3600)::int as k1,
        round(extract(epoch from max(expires_at - created_at) filter (where key = 'k2')) / 3600)::int as k2,
        round(extract(epoch from max(expires_at - created_at) filter (where key = 'k3')) / 3600)::int as k3
      from idempotency_keys where scope = ${scope}`);
    expect(hours).toEqual({ k1: 1, k2: 24, k3: 48 });
    expect((await readIdempotencyKey(getDb(), { scope: other, key: "k1" }))?.requestHash).toBe("other-scope-hash");
  });

  it("a key given twice in one call is claimed by its first occurrence only (and the row is the first one's)", async () => {
    const scope = newScope();
    const result = await claimIdempotencyKeys(getDb(), [
      claim(scope, "dup", { requestHash: "first" }),
      claim(scope, "solo"),
      claim(scope, "dup", { requestHash: "second", operation: "lock" }),
      claim(scope, "dup", { requestHash: "third" }),
    ]);
    expect(result).toEqual([true, true, false, false]);
    const row = await readIdempotencyKey(getDb(), { scope, key: "dup" });
    expect(row).toMatchObject({ requestHash: "first", operation: "redeem", status: "IN_PROGRESS" });
    expect(await rowsOf(scope)).toHaveLength(2);
  });

  it("a key already present is not claimed and its row is left as it was; the others in the call are claimed", async () => {
    const scope = newScope();
    expect(await claimIdempotencyKeys(getDb(), [claim(scope, "taken", { requestHash: "original" })])).toEqual([true]);
    await getDb()
      .update(idempotencyKeys)
      .set({ status: "DONE", response: { ok: true, value: 42 } })
      .where(eq(idempotencyKeys.scope, scope));
    const before = await readIdempotencyKey(getDb(), { scope, key: "taken" });

    const result = await claimIdempotencyKeys(getDb(), [
      claim(scope, "fresh-a"),
      claim(scope, "taken", { requestHash: "intruder" }),
      claim(scope, "fresh-b"),
    ]);
    expect(result).toEqual([true, false, true]);
    expect(await readIdempotencyKey(getDb(), { scope, key: "taken" })).toEqual(before);
    // Asking again for all of them: nothing left to claim.
    expect(
      await claimIdempotencyKeys(getDb(), [claim(scope, "fresh-b"), claim(scope, "taken"), claim(scope, "fresh-a")]),
    ).toEqual([false, false, false]);
  });

  it("keys that look alike after naive joining stay distinct: (scope, key) is the identity", async () => {
    const scope = newScope();
    const scopeWithSuffix = `${scope}:x`;
    scopes.push(scopeWithSuffix);
    const result = await claimIdempotencyKeys(getDb(), [
      claim(scope, "x:y"),
      claim(scopeWithSuffix, "y"),
      claim(scope, "x:y"),
    ]);
    expect(result).toEqual([true, true, false]);
  });

  it("concurrent calls racing for overlapping keys: every key is claimed exactly once overall", async () => {
    const scope = newScope();
    const keys = Array.from({ length: 12 }, (_, i) => `race-${i}`);
    const calls = Array.from({ length: 16 }, (_, c) => {
      // Each call asks for a rotated subset (with one key twice).
      const mine = keys.filter((_, i) => (i + c) % 3 !== 0);
      return [...mine, mine[0]!].map((key) => claim(scope, key, { requestHash: `call-${c}` }));
    });
    const results = await Promise.all(calls.map((inputs) => claimIdempotencyKeys(getDb(), inputs)));
    const winners = new Map<string, string[]>();
    results.forEach((claimed, c) =>
      claimed.forEach((won, i) => {
        if (!won) return;
        const key = calls[c]![i]!.key;
        winners.set(key, [...(winners.get(key) ?? []), `call-${c}`]);
      }),
    );
    expect([...winners.keys()].sort()).toEqual([...keys].sort());
    for (const [key, won] of winners) {
      expect(won).toHaveLength(1);
      // The row is the winner's.
      expect((await readIdempotencyKey(getDb(), { scope, key }))?.requestHash).toBe(won[0]);
    }
  });

  it("two concurrent calls claiming the same keys in opposite orders: no error (no deadlock), each key claimed once", async () => {
    for (let round = 0; round < 10; round += 1) {
      const scope = newScope();
      const keys = Array.from({ length: 200 }, (_, i) => `k-${String(i).padStart(3, "0")}`);
      const forward = keys.map((key) => claim(scope, key, { requestHash: "forward" }));
      const backward = [...keys].reverse().map((key) => claim(scope, key, { requestHash: "backward" }));
      const outcomes = await Promise.allSettled([
        claimIdempotencyKeys(getDb(), forward),
        claimIdempotencyKeys(getDb(), backward),
      ]);
      expect(outcomes.flatMap((o) => (o.status === "rejected" ? [briefly(o.reason)] : []))).toEqual([]);
      const [a = [], b = []] = outcomes.map((o) => (o.status === "fulfilled" ? o.value : []));
      const claimedBackward = new Map(backward.map((input, i) => [input.key, b[i]]));
      expect(keys.filter((key, i) => a[i] === claimedBackward.get(key))).toEqual([]);
    }
  });

  it("in a transaction that rolls back, nothing stays claimed", async () => {
    const scope = newScope();
    await expect(
      getDb().transaction(async (tx) => {
        expect(await claimIdempotencyKeys(tx, [claim(scope, "a"), claim(scope, "b")])).toEqual([true, true]);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await rowsOf(scope)).toEqual([]);
    expect(await claimIdempotencyKeys(getDb(), [claim(scope, "a")])).toEqual([true]);
  });
});

describe("claim durability", () => {
  it("commits the claim asynchronously without leaking synchronous_commit off to the connection", async () => {
    // One connection, so the statements after the claim run where the claim ran.
    const single = createDatabase(env().DATABASE_URL, { max: 1 });
    try {
      const scope = newScope();
      expect(await claimIdempotencyKeys(single.db, [claim(scope, "a"), claim(scope, "b")])).toEqual([true, true]);
      const [setting] = await single.db.execute<{ synchronous_commit: string }>(sql`show synchronous_commit`);
      expect(setting?.synchronous_commit).toBe("on");
      // And it is off inside a claim's own statement: the setting is local to that transaction.
      const [inside] = await single.db.execute<{ value: boolean }>(
        sql`select set_config('synchronous_commit', 'off', true) is not null and current_setting('synchronous_commit') = 'off' as value`,
      );
      expect(inside?.value).toBe(true);
      const [after] = await single.db.execute<{ synchronous_commit: string }>(sql`show synchronous_commit`);
      expect(after?.synchronous_commit).toBe("on");
      expect((await rowsOf(scope)).map((row) => row.key)).toEqual(["a", "b"]);
    } finally {
      await single.sql.end();
    }
  });
});
