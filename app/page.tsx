import { Card } from "@/components/ui/card";
import { formatMoney } from "@/components/ui/format-money";
import { AddToCartButton } from "@/components/shop/add-to-cart-button";
import { ProductTile } from "@/components/shop/product-tile";
import { getCatalog } from "@/server/services/get-catalog";

export const dynamic = "force-dynamic";

const SAMPLE_CODES = [
  { code: "SUMMER20", what: "20 % off" },
  { code: "FREESHIP", what: "free shipping from $30" },
  { code: "COFFEE15", what: "15 % off coffee" },
  { code: "WELCOME10", what: "$10 off a first order (signed in)" },
];

export default async function ShopPage() {
  const catalog = await getCatalog();
  return (
    <div className="space-y-10">
      <section className="from-brand-600 rounded-2xl bg-gradient-to-r to-indigo-600 px-8 py-10 text-white shadow">
        <h1 className="text-3xl font-bold tracking-tight">The demo store</h1>
        <p className="text-brand-50 mt-2 max-w-2xl">
          Coffee, tea and gear, to try coupon codes end to end: fill a cart, apply codes and watch the quote, then place
          the order with a simulated payment that approves, declines or takes its time.
        </p>
        <p className="mt-4 text-sm text-white/90">
          Codes to try:{" "}
          {SAMPLE_CODES.map((c, i) => (
            <span key={c.code}>
              {i > 0 && " · "}
              <code className="rounded bg-white/15 px-1.5 py-0.5 font-mono font-semibold">{c.code}</code> {c.what}
            </span>
          ))}
        </p>
      </section>
      <nav aria-label="Categories" className="flex flex-wrap gap-2">
        {catalog.map((category) => (
          <a
            key={category.id}
            href={`#cat-${category.id}`}
            className="bg-card hover:bg-accent rounded-full border px-3 py-1 text-sm font-medium"
          >
            {category.name}
          </a>
        ))}
      </nav>
      {catalog.map((category) => (
        <section key={category.id} aria-labelledby={`cat-${category.id}`} className="scroll-mt-6 space-y-4">
          <h2 id={`cat-${category.id}`} className="text-xl font-semibold">
            {category.name}
          </h2>
          <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
            {category.products.map((product) => (
              <li key={product.id}>
                <Card className="flex h-full flex-col gap-2 p-5" data-testid="product-card">
                  <ProductTile name={product.name} categoryId={product.categoryId} />
                  <h3 className="font-medium">{product.name}</h3>
                  <p className="text-muted-foreground flex-1 text-sm">{product.description}</p>
                  <p className="text-lg font-semibold">{formatMoney(product.unitPrice, product.currency)}</p>
                  <AddToCartButton productId={product.id} name={product.name} />
                </Card>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
