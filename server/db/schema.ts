import { sql } from "drizzle-orm";
import { check, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

export const userRole = pgEnum("user_role", ["admin", "viewer", "shopper"]);

export const users = pgTable(
  "users",
  {
    id: uuid().primaryKey().defaultRandom(),
    email: text().notNull(),
    name: text().notNull(),
    role: userRole().notNull().default("shopper"),
    // argon2id PHC string; never the password itself.
    passwordHash: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Sign-in looks users up by lower-cased email; one account per address.
    uniqueIndex("users_email_lower_key").on(sql`lower(${t.email})`),
  ],
);

export const categories = pgTable("categories", {
  id: text().primaryKey(),
  name: text().notNull(),
  sortOrder: integer().notNull().default(0),
});

export const products = pgTable(
  "products",
  {
    id: text().primaryKey(),
    name: text().notNull(),
    description: text().notNull().default(""),
    categoryId: text()
      .notNull()
      .references(() => categories.id),
    // Money is integer minor units everywhere (SPEC: no floating point).
    unitPrice: integer().notNull(),
    currency: text().notNull().default("USD"),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("products_unit_price_nonnegative", sql`${t.unitPrice} >= 0`),
    check("products_currency_iso", sql`${t.currency} ~ '^[A-Z]{3}$'`),
    index("products_category_idx").on(t.categoryId),
  ],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type Category = typeof categories.$inferSelect;
export type Product = typeof products.$inferSelect;
