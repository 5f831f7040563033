import { asc, eq } from "drizzle-orm";
import type { Executor } from "../client";
import { categories, products } from "../schema";

export async function listCatalog(db: Executor) {
  return db
    .select({
      id: products.id,
      name: products.name,
      description: products.description,
      unitPrice: products.unitPrice,
      currency: products.currency,
      categoryId: categories.id,
      categoryName: categories.name,
    })
    .from(products)
    .innerJoin(categories, eq(products.categoryId, categories.id))
    .orderBy(asc(categories.sortOrder), asc(products.name));
}
