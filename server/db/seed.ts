import { sql } from "drizzle-orm";
import { hashPassword } from "@/server/auth/password";
import type { Database } from "./client";
import { DEMO_ACCOUNTS, DEMO_CATEGORIES, DEMO_PRODUCTS } from "./demo-data";
import { categories, products, users } from "./schema";

/**
 * Idempotent seed: demo accounts and catalog are upserted, so a second start
 * (or `npm run db:seed`) leaves existing data and passwords as they are.
 */
export async function seedDatabase(db: Database): Promise<{ users: number; products: number }> {
  await db.transaction(async (tx) => {
    for (const account of DEMO_ACCOUNTS) {
      const passwordHash = await hashPassword(account.password);
      await tx
        .insert(users)
        .values({ email: account.email, name: account.name, role: account.role, passwordHash })
        .onConflictDoNothing();
    }
    await tx
      .insert(categories)
      .values([...DEMO_CATEGORIES])
      .onConflictDoUpdate({ target: categories.id, set: { name: sql`excluded.name`, sortOrder: sql`excluded.sort_order` } });
    await tx
      .insert(products)
      .values(DEMO_PRODUCTS.map((p) => ({ ...p, currency: "USD" })))
      .onConflictDoNothing();
  });
  const [row] = await db.select({ users: sql<number>`(select count(*)::int from users)`, products: sql<number>`(select count(*)::int from products)` }).from(sql`(select 1) as one`);
  return { users: row?.users ?? 0, products: row?.products ?? 0 };
}
