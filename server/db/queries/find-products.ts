import { inArray } from "drizzle-orm";
import type { Executor } from "../client";
import { products } from "../schema";

/** The catalog rows of these products (unknown ids are simply absent). */
export async function findProducts(db: Executor, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .select({
      id: products.id,
      name: products.name,
      categoryId: products.categoryId,
      unitPrice: products.unitPrice,
      currency: products.currency,
    })
    .from(products)
    .where(inArray(products.id, ids));
}
