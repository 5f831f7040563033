import { randomBytes, randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Session } from "next-auth";
import { beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { getDb } from "@/server/db/client";
import { insertCodeJob } from "@/server/db/queries/code-jobs";
import { listAuditInput } from "@/server/domain/admin-inputs";
import { createBookInput } from "@/server/domain/code-job-inputs";
import { assignBookCode } from "./assign-book-code";
import { claimBookCode } from "./claim-book-code";
import { createBook } from "./create-book";
import { makeTestCoupon } from "./gate-test-fixtures";
import { listCodesOfBook } from "./list-book-codes";
import { listAuditEntries } from "./list-audit-entries";
import { listClaimableBooks } from "./list-claimable-books";
import { listWallet } from "./list-wallet";
import { runCodeGeneration } from "./run-code-generation";

let adminId: string;
const ADMIN = () => ({ userId: adminId, email: "admin@demo.test" });

beforeAll(async () => {
  const [admin] = await getDb().execute<{ id: string }>(sql`select id from users where email = 'admin@demo.test'`);
  adminId = admin!.id;
});

async function makeUsers(count: number, prefix: string): Promise<Array<{ id: string; email: string }>> {
  const rows = Array.from({ length: count }, (_, i) => ({
    email: `${prefix}-${i}-${randomUUID().slice(0, 8)}@books.test`,
  }));
  return getDb().execute<{ id: string; email: string }>(sql`
    insert into users (email, name, password_hash)
    select e, e, 'not-a-hash' from unnest(${sql.raw(`array[${rows.map((r) => `'${r.email}'`).join(",")}]`)}::text[]) e
    returning id, email`);
}

/** A book of `codes` generated codes (through the generation job, into the book). */
async function makeBook(prefix: string, codes: number, rules: { maxPerUser?: number; claimable?: boolean } = {}) {
  const { couponId } = await makeTestCoupon(adminId, prefix, {});
  const book = await createBook(createBookInput.parse({ couponId, name: `${prefix} book`, ...rules }), ADMIN());
  const job = await insertCodeJob(getDb(), {
    kind: "GENERATE",
    couponId,
    bookId: book.id,
    params: { count: codes, maxRedemptions: 1 },
    total: codes,
    createdBy: adminId,
  });
  await runCodeGeneration(job.id);
  return { couponId, book };
}

function reasonOf(result: PromiseSettledResult<unknown>): string {
  if (result.status === "fulfilled") return "OK";
  const error = result.reason as { reason?: string; name?: string };
  return error.reason ?? error.name ?? "?";
}

describe("books", () => {
  it("200 racing claims for 100 codes give 100 distinct codes, no code twice", async () => {
    const { book } = await makeBook("FAIR", 100, { claimable: true });
    const users = await makeUsers(200, "fair");
    const results = await Promise.allSettled(users.map((u) => claimBookCode({ bookId: book.id }, { userId: u.id })));
    const won = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    expect(won).toHaveLength(100);
    expect(new Set(won.map((w) => w.codeId)).size).toBe(100);
    expect(new Set(won.map((w) => w.userId)).size).toBe(100);
    expect(results.filter((r) => reasonOf(r) === "EXHAUSTED")).toHaveLength(100);
    const [row] = await getDb().execute<{ assigned: number; users: number }>(sql`
      select count(*)::int as assigned, count(distinct assigned_user_id)::int as users
      from codes where book_id = ${book.id} and assigned_user_id is not null`);
    expect(row).toEqual({ assigned: 100, users: 100 });
  }, 120_000);

  it("a user's racing claims stop at the per-user limit", async () => {
    const { book } = await makeBook("LIM", 20, { maxPerUser: 2, claimable: true });
    const [user] = await makeUsers(1, "limit");
    const listed = async () => (await listClaimableBooks(user!.id)).find((b) => b.id === book.id);
    expect(await listed()).toMatchObject({ held: 0, maxPerUser: 2, canClaim: true, hasCodesLeft: true });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => claimBookCode({ bookId: book.id }, { userId: user!.id })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
    expect(results.filter((r) => reasonOf(r) === "USER_LIMIT_REACHED")).toHaveLength(8);
    // wallet.books says so; a book shoppers may not claim from is not listed.
    expect(await listed()).toMatchObject({ held: 2, canClaim: false, hasCodesLeft: true });
    const { book: closed } = await makeBook("LIC", 2);
    expect((await listClaimableBooks(user!.id)).some((b) => b.id === closed.id)).toBe(false);
  });

  it("assigns a chosen code to a user by email, once; states show per code", async () => {
    const { book } = await makeBook("SPC", 3);
    const [user] = await makeUsers(1, "specific");
    const page = await listCodesOfBook({ bookId: book.id, limit: 50 });
    expect(page.items.map((i) => i.state)).toEqual(["AVAILABLE", "AVAILABLE", "AVAILABLE"]);
    const chosen = page.items[1]!;
    const assigned = await assignBookCode(
      { bookId: book.id, user: { email: user!.email }, codeId: chosen.id },
      ADMIN(),
    );
    expect(assigned).toMatchObject({ codeId: chosen.id, code: chosen.code, userId: user!.id });
    const [other] = await makeUsers(1, "other");
    await expect(
      assignBookCode({ bookId: book.id, user: { userId: other!.id }, codeId: chosen.id }, ADMIN()),
    ).rejects.toThrow(/assigned already/);
    await expect(
      assignBookCode({ bookId: book.id, user: { userId: other!.id }, codeId: randomUUID() }, ADMIN()),
    ).rejects.toThrow(/not in this book/);
    await expect(assignBookCode({ bookId: book.id, user: { email: "nobody@books.test" } }, ADMIN())).rejects.toThrow(
      /No user/,
    );
    // The book's creation and the one assignment that happened are in the audit log; the refused ones are not.
    const { items } = await listAuditEntries(listAuditInput.parse({ targetType: "book", targetId: book.id }));
    expect(items.reverse().map((e) => [e.action, e.actorEmail, e.after])).toEqual([
      ["books.create", "admin@demo.test", expect.objectContaining({ id: book.id, name: "SPC book" })],
      ["books.assign", "admin@demo.test", { codeId: chosen.id, userId: user!.id, mode: "specific" }],
    ]);

    // Redeemed and disabled codes show as such.
    const third = page.items[2]!;
    await getDb().execute(sql`update codes set status = 'DISABLED' where id = ${third.id}`);
    await getDb()
      .execute(sql`insert into redemptions (coupon_id, code_id, customer_id, order_id, amount, currency, per_user_unique, code_single_use)
      select coupon_id, id, ${user!.id}, ${`o-${randomBytes(4).toString("hex")}`}, 100, 'USD', false, true from codes where id = ${chosen.id}`);
    const states = new Map((await listCodesOfBook({ bookId: book.id, limit: 50 })).items.map((i) => [i.id, i.state]));
    expect(states.get(chosen.id)).toBe("REDEEMED");
    expect(states.get(third.id)).toBe("DISABLED");
    expect(states.get(page.items[0]!.id)).toBe("AVAILABLE");
  });
});

describe("wallet (tRPC)", () => {
  const session = (id: string, role: "shopper" | "admin" = "shopper"): Session => ({
    user: { id, email: `${id}@books.test`, name: "t", role },
    expires: new Date(Date.now() + 60_000).toISOString(),
  });
  const caller = (s: Session | null) => createCaller({ session: s, headers: new Headers(), ip: "127.0.0.1" });

  it("claims from a claimable book and lists the code with its coupon and state", async () => {
    const { book, couponId } = await makeBook("WAL", 5, { claimable: true });
    const [user] = await makeUsers(1, "wallet");
    const claimed = await caller(session(user!.id)).wallet.claim({ bookId: book.id });
    const wallet = await caller(session(user!.id)).wallet.list();
    expect(wallet).toHaveLength(1);
    expect(wallet[0]).toMatchObject({
      id: claimed.codeId,
      code: claimed.code,
      state: "ASSIGNED",
      coupon: { id: couponId, kind: "FIXED", value: 100, currency: "USD" },
    });
    await expect(caller(session(user!.id)).wallet.claim({ bookId: book.id })).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });

  it("refuses a book shoppers may not claim from, a bad id and a signed-out caller", async () => {
    const { book } = await makeBook("WAN", 2);
    const [user] = await makeUsers(1, "wallet-no");
    await expect(caller(session(user!.id)).wallet.claim({ bookId: book.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(caller(session(user!.id)).wallet.claim({ bookId: "nope" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(caller(null).wallet.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(await listWallet(user!.id)).toEqual([]);
  });
});
