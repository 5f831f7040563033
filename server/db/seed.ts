import { sql } from "drizzle-orm";
import { hashPassword } from "@/server/auth/password";
import { codeLookupKey } from "@/server/domain/code-format";
import type { Database } from "./client";
import { DEMO_ACCOUNTS, DEMO_CATEGORIES, DEMO_COUPONS, DEMO_PRODUCTS } from "./demo-data";
import { categories, codes, coupons, products, users } from "./schema";

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
