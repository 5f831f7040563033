/** The seeded demo accounts and catalog (documented in the README). */
export const DEMO_ACCOUNTS = [
  { email: "admin@demo.test", name: "Ada Admin", role: "admin", password: "admin-demo-pass" },
  { email: "viewer@demo.test", name: "Vic Viewer", role: "viewer", password: "viewer-demo-pass" },
  { email: "alice@shop.test", name: "Alice Shopper", role: "shopper", password: "shopper-demo-pass" },
  { email: "bob@shop.test", name: "Bob Shopper", role: "shopper", password: "shopper-demo-pass" },
  { email: "carol@acme.test", name: "Carol Shopper", role: "shopper", password: "shopper-demo-pass" },
] as const;

export const DEMO_CATEGORIES = [
  { id: "coffee", name: "Coffee", sortOrder: 1 },
  { id: "tea", name: "Tea", sortOrder: 2 },
  { id: "gear", name: "Brewing gear", sortOrder: 3 },
  { id: "snacks", name: "Snacks", sortOrder: 4 },
  { id: "merch", name: "Merch", sortOrder: 5 },
] as const;

export const DEMO_PRODUCTS = [
  { id: "espresso-beans", name: "Espresso beans 1 kg", categoryId: "coffee", unitPrice: 2450, description: "Dark roast, chocolate and cherry." },
  { id: "filter-beans", name: "Filter beans 250 g", categoryId: "coffee", unitPrice: 1290, description: "Light roast from Ethiopia." },
  { id: "decaf-beans", name: "Decaf beans 500 g", categoryId: "coffee", unitPrice: 1675, description: "Swiss-water decaf." },
  { id: "sencha", name: "Sencha 100 g", categoryId: "tea", unitPrice: 990, description: "Grassy Japanese green tea." },
  { id: "earl-grey", name: "Earl Grey 100 g", categoryId: "tea", unitPrice: 850, description: "Bergamot black tea." },
  { id: "chai", name: "Masala chai 200 g", categoryId: "tea", unitPrice: 1199, description: "Spiced black tea blend." },
  { id: "pour-over", name: "Pour-over dripper", categoryId: "gear", unitPrice: 3200, description: "Ceramic cone, size 02." },
  { id: "grinder", name: "Burr grinder", categoryId: "gear", unitPrice: 14900, description: "Conical steel burrs, 40 settings." },
  { id: "kettle", name: "Gooseneck kettle", categoryId: "gear", unitPrice: 5999, description: "1 l, temperature control." },
  { id: "biscotti", name: "Almond biscotti", categoryId: "snacks", unitPrice: 499, description: "Twice-baked, 8 pieces." },
  { id: "dark-chocolate", name: "Dark chocolate 70 %", categoryId: "snacks", unitPrice: 375, description: "Single-origin bar." },
  { id: "mug", name: "Enamel mug", categoryId: "merch", unitPrice: 1500, description: "350 ml, speckled blue." },
  { id: "tote", name: "Canvas tote", categoryId: "merch", unitPrice: 1800, description: "Heavy cotton." },
] as const;
