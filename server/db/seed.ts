import { randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { hashPassword } from "@/server/auth/password";
import { codeLookupKey } from "@/server/domain/code-format";
import { generateCodes } from "@/server/domain/code-generator";
import type { Database } from "./client";
import {
  DEMO_ACCOUNTS,
  DEMO_BOOK,
  DEMO_BOOK_COUPON,
  DEMO_CATEGORIES,
  DEMO_COUPONS,
  DEMO_PRODUCTS,
  DEMO_WALLET_COUPON,
} from "./demo-data";
import { books, categories, codes, coupons, products, users } from "./schema";

/** How codes are stored (server/crypto, with the configured keys); injected so the seed stays plain SQL. */
export type SeedCodeSecrets = { lookupHash(lookupKey: string): Buffer; encrypt(display: string): Buffer };

/**
 * Idempotent seed: the catalog always (the demo store's products); the demo accounts and sample coupons
 * only when `demo` is set (embedded Postgres, or SEED_DEMO=1): never a known password in production.
 * Upserts, so a second start (or `npm run db:seed`) leaves existing data and passwords as they are.
 */
export async function seedDatabase(
  db: Database,
  opts: { demo: boolean; secrets?: SeedCodeSecrets },
): Promise<{ users: number; products: number }> {
  const secrets = opts.demo ? opts.secrets : undefined;
  await db.transaction(async (tx) => {
    for (const account of opts.demo ? DEMO_ACCOUNTS : []) {
      const passwordHash = await hashPassword(account.password);
      await tx
        .insert(users)
        .values({ email: account.email, name: account.name, role: account.role, passwordHash })
        .onConflictDoNothing();
    }
    await tx
      .insert(categories)
      .values([...DEMO_CATEGORIES])
      .onConflictDoUpdate({
        target: categories.id,
        set: { name: sql`excluded.name`, sortOrder: sql`excluded.sort_order` },
      });
    await tx
      .insert(products)
      .values(DEMO_PRODUCTS.map((p) => ({ ...p, currency: "USD" })))
      .onConflictDoNothing();
    if (secrets) {
      for (const { code, ...coupon } of DEMO_COUPONS) {
        await tx
          .insert(coupons)
          .values({
            ...coupon,
            productIds: [],
            categoryIds: [...("categoryIds" in coupon ? coupon.categoryIds : [])],
            allowedEmailDomains: [...("allowedEmailDomains" in coupon ? coupon.allowedEmailDomains : [])],
          })
          .onConflictDoNothing();
        await tx
          .insert(codes)
          .values({
            couponId: coupon.id,
            kind: "SHARED",
            lookupHash: secrets.lookupHash(codeLookupKey(code)!),
            codeEncrypted: secrets.encrypt(code),
          })
          .onConflictDoNothing();
      }
      await seedWalletCodes(tx, secrets);
      await seedClaimableBook(tx, secrets);
    }
  });
  const [row] = await db
    .select({
      users: sql<number>`(select count(*)::int from users)`,
      products: sql<number>`(select count(*)::int from products)`,
    })
    .from(sql`(select 1) as one`);
  return { users: row?.users ?? 0, products: row?.products ?? 0 };
}

/** One personal single-use code of the thank-you coupon per shopper who has none yet (the wallet's demo). */
async function seedWalletCodes(tx: Parameters<Parameters<Database["transaction"]>[0]>[0], secrets: SeedCodeSecrets) {
  const { prefix, ...coupon } = DEMO_WALLET_COUPON;
  await tx.insert(coupons).values(coupon).onConflictDoNothing();
  const shoppers = await tx.select({ id: users.id }).from(users).where(eq(users.role, "shopper"));
  for (const shopper of shoppers) {
    const [held] = await tx
      .select({ id: codes.id })
      .from(codes)
      .where(and(eq(codes.couponId, coupon.id), eq(codes.assignedUserId, shopper.id)))
      .limit(1);
    if (held) continue;
    const generated = generateCodes({ count: 1, length: 8, prefix }, (n) => randomBytes(n));
    if (!generated.ok) throw new Error(generated.message);
    const code = generated.codes[0]!;
    await tx.insert(codes).values({
      couponId: coupon.id,
      kind: "UNIQUE",
      maxRedemptions: 1,
      assignedUserId: shopper.id,
      assignedAt: new Date(),
      lookupHash: secrets.lookupHash(codeLookupKey(code)!),
      codeEncrypted: secrets.encrypt(code),
    });
  }
}

/** The claimable demo book and its codes, made once (a later seed leaves the book and its assignments as they are). */
async function seedClaimableBook(tx: Parameters<Parameters<Database["transaction"]>[0]>[0], secrets: SeedCodeSecrets) {
  const { categoryIds, ...coupon } = DEMO_BOOK_COUPON;
  await tx
    .insert(coupons)
    .values({ ...coupon, categoryIds: [...categoryIds] })
    .onConflictDoNothing();
  const { codes: count, prefix, ...book } = DEMO_BOOK;
  const [created] = await tx.insert(books).values(book).onConflictDoNothing().returning({ id: books.id });
  if (!created) return;
  const generated = generateCodes({ count, length: 8, prefix }, (n) => randomBytes(n));
  if (!generated.ok) throw new Error(generated.message);
  await tx.insert(codes).values(
    generated.codes.map((code) => ({
      couponId: coupon.id,
      bookId: book.id,
      kind: "UNIQUE" as const,
      maxRedemptions: 1,
      lookupHash: secrets.lookupHash(codeLookupKey(code)!),
      codeEncrypted: secrets.encrypt(code),
    })),
  );
}
