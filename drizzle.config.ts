import { defineConfig } from "drizzle-kit";

// drizzle-kit generate only diffs schema.ts against drizzle/; it needs no database.
export default defineConfig({
  dialect: "postgresql",
  schema: "./server/db/schema.ts",
  out: "./drizzle",
  casing: "snake_case",
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://localhost/unused" },
});
