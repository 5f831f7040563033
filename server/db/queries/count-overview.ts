import { sql } from "drizzle-orm";
import type { Executor } from "../client";

export async function countOverview(db: Executor) {
  const [row] = await db.execute<{ users: number; shoppers: number; products: number; categories: number }>(sql`
    select (select count(*)::int from users) as users,
           (select count(*)::int from users where role = 'shopper') as shoppers,
           (select count(*)::int from products) as products,
           (select count(*)::int from categories) as categories`);
  return row ?? { users: 0, shoppers: 0, products: 0, categories: 0 };
}
