// Codes are secrets everywhere (SPEC "Code", issue 10): after a full validate / lock / unlock / redeem /
// void / failed-guess cycle, no table of the database and nothing the app logged holds a code in
// plaintext; a driver error on a statement carrying a lock's quote names none either.

import { inspect } from "node:util";
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { callTrpcHttp, sessionFor } from "@/server/api/test-http";
import { getDb } from "@/server/db/client";
import { findUserByEmail } from "@/server/db/queries/find-user-by-email";
import { insertLockAnswered } from "@/server/db/queries/gate-records";
import { claimIdempotencyKeys } from "@/server/db/queries/idempotency";
import { createUser } from "./create-user";

type Account = { id: string; email: string; role: "admin" | "viewer" | "shopper" };
const RUN = Math.random().toString(36).slice(2, 8).toUpperCase();
const CART = {
  currency: "USD",
  items: [{ productId: "espresso-beans", categoryIds: ["coffee"], unitPrice: 2450, quantity: 2 }],
  shipping: 500,
};

let admin: Account;
let shopper: Account;
const plaintexts: string[] = [];
const logged: string[] = [];

function data<T>(response: { status: number; body: unknown }): T {
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return (response.body as { result: { data: { json: T } } }).result.data.json;
}

function capture() {
  const keep = (...args: unknown[]) => logged.push(args.map((a) => inspect(a, { depth: 8 })).join(" "));
  for (const method of ["log", "info", "warn", "error", "debug"] as const)
    vi.spyOn(console, method).mockImplementation(keep);
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    vi.spyOn(stream, "write").mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      logged.push(String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write);
  }
}

beforeAll(async () => {
  const found = await findUserByEmail(getDb(), "admin@demo.test");
  admin = { id: found!.id, email: found!.email, role: "admin" };
  const created = await createUser(getDb(), {
    email: `secret-shopper-${RUN.toLowerCase()}@shop.example`,
    role: "shopper",
    password: "a-long-enough-password",
  });
  shopper = { id: created.id, email: created.email, role: "shopper" };
  capture();
});

afterAll(() => {
  vi.restoreAllMocks();
});

async function newCoupon(name: string) {
  const coupon = data<{ id: string }>(
    await callTrpcHttp("admin.coupons.create", {
      session: sessionFor(admin),
      input: { name: `Secret ${name} ${RUN}`, kind: "PERCENT", value: 1000 },
    }),
  );
  return coupon.id;
}

async function newCode(couponId: string, input: { kind: "SHARED" | "UNIQUE"; code?: string }) {
  const created = data<{ code: string }>(
    await callTrpcHttp("admin.codes.create", { session: sessionFor(admin), input: { couponId, ...input } }),
  );
  plaintexts.push(created.code);
  return created.code;
}

/** An error and its causes with every own property, hidden ones too (postgres.js hides query and parameters). */
function describeDeeply(error: unknown, depth = 0): string {
  if (!error || typeof error !== "object" || depth > 5) return String(error);
  const parts = Object.getOwnPropertyNames(error).map((name) => {
    const value = (error as Record<string, unknown>)[name];
    return name === "cause" ? describeDeeply(value, depth + 1) : `${name}: ${inspect(value, { depth: 8 })}`;
  });
  return [String(error), ...parts].join("\n");
}

const as = (account: Account, ip: string) => ({ session: sessionFor(account), ip });

describe("no plaintext code at rest or in logs", () => {
  it("after validate, lock, unlock, redeem (by lock and by codes), void and failed guesses", async () => {
    const uniqueCoupon = await newCoupon("unique");
    const sharedCoupon = await newCoupon("shared");
    const [a, b, c] = [
      await newCode(uniqueCoupon, { kind: "UNIQUE" }),
      await newCode(uniqueCoupon, { kind: "UNIQUE" }),
      await newCode(uniqueCoupon, { kind: "UNIQUE" }),
    ];
    const shared = await newCode(sharedCoupon, { kind: "SHARED", code: `SHH-${RUN}` });
    const guess = `GUESS${RUN}X`;
    plaintexts.push(guess);
    const ip = `10.77.${Math.floor(Math.random() * 250)}.1`;

    // validate: anonymous and signed in, valid and wrong codes
    const quote = data<{ applied: unknown[]; rejected: unknown[] }>(
      await callTrpcHttp("checkout.validate", { ip, input: { codes: [a, guess], cart: CART } }),
    );
    expect(quote.applied).toHaveLength(1);
    expect(quote.rejected).toHaveLength(1);
    data(await callTrpcHttp("checkout.validate", { ...as(shopper, ip), input: { codes: [shared], cart: CART } }));

    // lock, then unlock
    const lockA = data<{ lockId: string }>(
      await callTrpcHttp("checkout.lock", {
        ...as(shopper, ip),
        input: { codes: [a], cart: CART, idempotencyKey: `lock-a-${RUN}` },
      }),
    );
    data(await callTrpcHttp("checkout.unlock", { ...as(shopper, ip), input: { lockId: lockA.lockId } }));

    // lock, then redeem the lock; a retry of the same key replays the stored (sealed) answer
    const lockB = data<{ lockId: string }>(
      await callTrpcHttp("checkout.lock", {
        ...as(shopper, ip),
        input: { codes: [b, shared], cart: CART, idempotencyKey: `lock-b-${RUN}` },
      }),
    );
    const redeemB = { lockId: lockB.lockId, orderId: `order-b-${RUN}`, idempotencyKey: `redeem-b-${RUN}` };
    const redeemedB = data<{ redemptions: Array<{ code: string }> }>(
      await callTrpcHttp("checkout.redeem", { ...as(shopper, ip), input: redeemB }),
    );
    expect(redeemedB.redemptions.map((r) => r.code).sort()).toEqual([b, shared].sort());
    const replayed = data<{ redemptions: Array<{ code: string }> }>(
      await callTrpcHttp("checkout.redeem", { ...as(shopper, ip), input: redeemB }),
    );
    expect(replayed).toEqual(redeemedB);

    // redeem with codes in one step, then void it
    const orderC = `order-c-${RUN}`;
    data(
      await callTrpcHttp("checkout.redeem", {
        ...as(shopper, ip),
        input: { codes: [c], cart: CART, orderId: orderC, idempotencyKey: `redeem-c-${RUN}` },
      }),
    );
    const voided = data<{ voided: unknown[] }>(
      await callTrpcHttp("admin.redemptions.void", {
        session: sessionFor(admin),
        input: { orderId: orderC, reason: "order cancelled" },
      }),
    );
    expect(voided.voided).toHaveLength(1);

    // failed guesses on lock and redeem: refused, and the refusal (naming the codes) is a stored answer
    const failedLock = await callTrpcHttp("checkout.lock", {
      ...as(shopper, ip),
      input: { codes: [a, guess], cart: CART, idempotencyKey: `lock-guess-${RUN}` },
    });
    expect(failedLock.status).toBe(409);
    const failedRedeem = await callTrpcHttp("checkout.redeem", {
      ...as(shopper, ip),
      input: { codes: [guess], cart: CART, orderId: `order-g-${RUN}`, idempotencyKey: `redeem-guess-${RUN}` },
    });
    expect(failedRedeem.status).toBeGreaterThanOrEqual(400);
    expect(failedRedeem.status).toBeLessThan(500);

    // Every table of every schema (the app's and pg-boss's), every row, as text.
    const tables = await getDb().execute<{ schema: string; name: string }>(sql`
      select table_schema as schema, table_name as name from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`);
    expect(tables.length).toBeGreaterThan(8);
    const needles = plaintexts.flatMap((code) => [
      code.toUpperCase(),
      code.replace(/-/g, "").toUpperCase(),
      Buffer.from(code, "utf8").toString("hex").toUpperCase(),
    ]);
    const found: string[] = [];
    for (const table of tables) {
      const rows = await getDb().execute<{ row: string }>(
        sql`select row_to_json(t)::text as row from ${sql.identifier(table.schema)}.${sql.identifier(table.name)} t`,
      );
      for (const { row } of rows) {
        const text = row.toUpperCase();
        for (const needle of needles) if (text.includes(needle)) found.push(`${table.schema}.${table.name}: ${needle}`);
      }
    }
    expect(found).toEqual([]);

    // The sealed rows are there (the scan read what the cycle wrote).
    const sealed = await getDb().execute<{ n: number }>(
      sql`select count(*)::int as n from idempotency_keys where scope = ${shopper.id} and response ? 'sealed'`,
    );
    expect(sealed[0]?.n).toBeGreaterThanOrEqual(5);

    const log = logged.join("\n").toUpperCase();
    for (const needle of needles) expect(log).not.toContain(needle);
  });

  it("a driver error on the statement that stores a lock names no code (its parameters are sealed)", async () => {
    const code = `LEAK-${RUN}`;
    plaintexts.push(code);
    // The key must be claimed (and ours) for the statement to insert the lock at all.
    const keyRef = { scope: shopper.id, key: `driver-error-${RUN}`, ownerToken: randomUUID() };
    await claimIdempotencyKeys(getDb(), [{ ...keyRef, operation: "checkout.lock", requestHash: "x", ttlHours: 1 }]);
    let error: unknown;
    try {
      // A code id that does not exist: the foreign key refuses the lock item, and the driver's error carries every parameter.
      await insertLockAnswered(
        getDb(),
        {
          id: randomUUID(),
          customerId: shopper.id,
          expiresAt: new Date(Date.now() + 60_000),
          cart: CART,
          quote: { quote: { applied: [{ code }] }, items: [{ code }] },
          items: [{ codeId: randomUUID(), couponId: randomUUID(), amount: 1 }],
        },
        { ...keyRef, response: { sealed: "x" } },
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeDefined();
    const text = describeDeeply(error).toUpperCase();
    expect(text).toContain("FOREIGN KEY");
    expect(text).not.toContain(code);
  });
});
