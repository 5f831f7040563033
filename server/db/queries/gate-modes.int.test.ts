import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "@/server/db/client";
import { gateModes } from "@/server/db/schema";
import { closeGateMode, openGateMode, readGateMode } from "./gate-modes";

// The shared gate mode (circuit-breaker.ts) against the real Postgres: every change bumps the
// generation, and concurrent processes agree on one change each way.

const DRAIN_MS = 60_000;
const scopes: string[] = [];
function newScope(): string {
  const scope = `mode-test-${randomUUID()}`;
  scopes.push(scope);
  return scope;
}
afterAll(async () => {
  for (const scope of scopes) await getDb().delete(gateModes).where(eq(gateModes.scope, scope));
});

describe("gate modes", () => {
  it("no row: Redis trusted at generation 0", async () => {
    expect(await readGateMode(getDb(), newScope(), DRAIN_MS)).toEqual({ mode: "redis", generation: 0, drainLeftMs: 0 });
  });

  it("many processes seeing Redis fail at once: one flip to postgres, then a drain by the Postgres clock", async () => {
    const scope = newScope();
    const flips = await Promise.all(Array.from({ length: 8 }, () => openGateMode(getDb(), scope, 0, DRAIN_MS)));
    expect(flips.filter((f) => f !== null)).toHaveLength(1);
    const row = await readGateMode(getDb(), scope, DRAIN_MS);
    expect(row).toMatchObject({ mode: "postgres", generation: 1 });
    expect(row.drainLeftMs).toBeGreaterThan(0);
    expect(row.drainLeftMs).toBeLessThanOrEqual(DRAIN_MS);
  });

  it("many processes seeing Redis back at once: exactly one recovers (one new generation)", async () => {
    const scope = newScope();
    await openGateMode(getDb(), scope, 0, DRAIN_MS);
    const recoveries = await Promise.all(Array.from({ length: 8 }, () => closeGateMode(getDb(), scope, 1, DRAIN_MS)));
    expect(recoveries.filter((r) => r !== null)).toEqual([
      { mode: "redis", generation: 2, drainLeftMs: expect.any(Number) },
    ]);
    // A failure seen under the generation before the recovery does not undo it; one seen after it does.
    expect(await openGateMode(getDb(), scope, 1, DRAIN_MS)).toBeNull();
    expect(await openGateMode(getDb(), scope, 2, DRAIN_MS)).toMatchObject({ mode: "postgres", generation: 3 });
  });
});
