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
  {
    id: "espresso-beans",
    name: "Espresso beans 1 kg",
    categoryId: "coffee",
    unitPrice: 2450,
    description: "Dark roast, chocolate and cherry.",
  },
  {
    id: "filter-beans",
    name: "Filter beans 250 g",
    categoryId: "coffee",
    unitPrice: 1290,
    description: "Light roast from Ethiopia.",
  },
  {
    id: "decaf-beans",
    name: "Decaf beans 500 g",
    categoryId: "coffee",
    unitPrice: 1675,
    description: "Swiss-water decaf.",
  },
  { id: "sencha", name: "Sencha 100 g", categoryId: "tea", unitPrice: 990, description: "Grassy Japanese green tea." },
  { id: "earl-grey", name: "Earl Grey 100 g", categoryId: "tea", unitPrice: 850, description: "Bergamot black tea." },
  { id: "chai", name: "Masala chai 200 g", categoryId: "tea", unitPrice: 1199, description: "Spiced black tea blend." },
  {
    id: "pour-over",
    name: "Pour-over dripper",
    categoryId: "gear",
    unitPrice: 3200,
    description: "Ceramic cone, size 02.",
  },
  {
    id: "grinder",
    name: "Burr grinder",
    categoryId: "gear",
    unitPrice: 14900,
    description: "Conical steel burrs, 40 settings.",
  },
  {
    id: "kettle",
    name: "Gooseneck kettle",
    categoryId: "gear",
    unitPrice: 5999,
    description: "1 l, temperature control.",
  },
  {
    id: "biscotti",
    name: "Almond biscotti",
    categoryId: "snacks",
    unitPrice: 499,
    description: "Twice-baked, 8 pieces.",
  },
  {
    id: "dark-chocolate",
    name: "Dark chocolate 70 %",
    categoryId: "snacks",
    unitPrice: 375,
    description: "Single-origin bar.",
  },
  { id: "mug", name: "Enamel mug", categoryId: "merch", unitPrice: 1500, description: "350 ml, speckled blue." },
  { id: "tote", name: "Canvas tote", categoryId: "merch", unitPrice: 1800, description: "Heavy cotton." },
] as const;

/** Sample coupons, each with one shared code (fixed ids: the seed is idempotent). */
export const DEMO_COUPONS = [
  {
    id: "00000000-0000-4000-8000-00000000c001",
    code: "SUMMER20",
    name: "Summer 20 % off",
    description: "20 % off the whole cart, at most $50.",
    kind: "PERCENT",
    value: 2000,
    currency: "USD",
    maxDiscount: 5000,
  },
  {
    id: "00000000-0000-4000-8000-00000000c002",
    code: "FREESHIP",
    name: "Free shipping over $30",
    description: "Free shipping on orders of $30 or more.",
    kind: "FREE_SHIPPING",
    value: null,
    currency: "USD",
    minOrderAmount: 3000,
  },
  {
    id: "00000000-0000-4000-8000-00000000c003",
    code: "WELCOME10",
    name: "$10 off your first order",
    description: "$10 off orders of $50 or more, once per customer, first order only.",
    kind: "FIXED",
    value: 1000,
    currency: "USD",
    minOrderAmount: 5000,
    maxRedemptionsPerUser: 1,
    firstOrderOnly: true,
  },
  {
    id: "00000000-0000-4000-8000-00000000c004",
    code: "COFFEE15",
    name: "15 % off coffee",
    description: "15 % off coffee; stacks with whole-cart codes.",
    kind: "PERCENT",
    value: 1500,
    categoryIds: ["coffee"],
  },
  {
    id: "00000000-0000-4000-8000-00000000c005",
    code: "ACME-VIP",
    name: "Acme staff 10 %",
    description: "10 % for acme.test addresses; not combinable.",
    kind: "PERCENT",
    value: 1000,
    allowedEmailDomains: ["acme.test"],
    stacking: "EXCLUSIVE",
  },
  {
    id: "00000000-0000-4000-8000-00000000c006",
    code: "FLASH100",
    name: "Flash sale: $5 off, first 100",
    description: "$5 off for the first 100 orders.",
    kind: "FIXED",
    value: 500,
    currency: "USD",
    maxRedemptions: 100,
  },
] as const;

/**
 * A thank-you coupon whose unique single-use codes are assigned, one per shopper, at seed time:
 * what a shopper finds in the wallet. The code strings are random (made once; a later seed keeps them).
 */
export const DEMO_WALLET_COUPON = {
  id: "00000000-0000-4000-8000-00000000c101",
  name: "Thank-you $7 off",
  description: "$7 off any order: a personal single-use code in your wallet.",
  kind: "FIXED",
  value: 700,
  currency: "USD",
  prefix: "THANKS-",
} as const;

/**
 * A claimable coupon book: shoppers take one code each from the wallet (wallet.claim), at random.
 * Its codes are generated once, at the first seed.
 */
export const DEMO_BOOK_COUPON = {
  id: "00000000-0000-4000-8000-00000000c102",
  name: "Coffee club 15 % off",
  description: "15 % off coffee: claim your personal single-use code from the wallet.",
  kind: "PERCENT",
  value: 1500,
  categoryIds: ["coffee"],
} as const;
export const DEMO_BOOK = {
  id: "00000000-0000-4000-8000-00000000b001",
  couponId: DEMO_BOOK_COUPON.id,
  name: "Coffee club",
  description: "One 15 % coffee code per shopper.",
  maxPerUser: 1,
  claimable: true,
  codes: 100,
  prefix: "CLUB-",
} as const;
