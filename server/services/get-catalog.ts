import { getDb } from "@/server/db/client";
import { listCatalog } from "@/server/db/queries/list-catalog";

export type CatalogProduct = Awaited<ReturnType<typeof listCatalog>>[number];

/** The demo storefront's products, grouped by category in display order. */
export async function getCatalog(): Promise<Array<{ id: string; name: string; products: CatalogProduct[] }>> {
  const rows = await listCatalog(getDb());
  const groups = new Map<string, { id: string; name: string; products: CatalogProduct[] }>();
  for (const row of rows) {
    const group = groups.get(row.categoryId) ?? { id: row.categoryId, name: row.categoryName, products: [] };
    group.products.push(row);
    groups.set(row.categoryId, group);
  }
  return [...groups.values()];
}
