import { Card } from "@/components/ui/card";
import { formatMoney } from "@/components/ui/format-money";
import { ProductTile } from "@/components/shop/product-tile";
import { getCatalog } from "@/server/services/get-catalog";

export const dynamic = "force-dynamic";

export default async function ShopPage() {
  const catalog = await getCatalog();
  return (
    <div className="space-y-10">
      <section className="from-brand-600 rounded-2xl bg-gradient-to-r to-indigo-600 px-8 py-10 text-white shadow">
        <h1 className="text-3xl font-bold tracking-tight">The demo store</h1>
        <p className="text-brand-50 mt-2 max-w-2xl">
          Coffee, tea and gear, to try coupon codes end to end: validate a code on a cart, lock it when payment starts,
          redeem it when the order is placed.
        </p>
      </section>
      {catalog.map((category) => (
        <section key={category.id} aria-labelledby={`cat-${category.id}`} className="space-y-4">
          <h2 id={`cat-${category.id}`} className="text-xl font-semibold text-slate-900">
            {category.name}
          </h2>
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
            {category.products.map((product) => (
              <Card key={product.id} className="flex flex-col gap-2" data-testid="product-card">
                <ProductTile name={product.name} categoryId={product.categoryId} />
                <h3 className="font-medium text-slate-900">{product.name}</h3>
                <p className="flex-1 text-sm text-slate-500">{product.description}</p>
                <p className="text-lg font-semibold text-slate-900">
                  {formatMoney(product.unitPrice, product.currency)}
                </p>
              </Card>
            ))}
          </div>
        </section>
      ))}
    </div>
  );
}
