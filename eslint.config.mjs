import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import prettier from "eslint-config-prettier/flat";

const FRAMEWORK_AND_IO = [
  "next",
  "next/*",
  "react",
  "react-dom",
  "@trpc/*",
  "drizzle-orm",
  "drizzle-orm/*",
  "postgres",
  "@upstash/*",
  "ioredis",
  "node:*",
  "fs",
  "net",
  "http",
  "child_process",
  "@/server/db/*",
  "@/server/redis/*",
  "@/server/services/*",
  "@/server/api/*",
  "@/server/env",
];

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  // Layout is Prettier's job (npm run format); eslint keeps to meaning.
  prettier,
  globalIgnores([
    ".next/**",
    "node_modules/**",
    ".data/**",
    "drizzle/**",
    "test-results/**",
    "playwright-report/**",
    "e2e/.artifacts/**",
    "next-env.d.ts",
  ]),
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // server/domain is pure: no framework, no I/O (STYLE.md, direction of imports).
    files: ["server/domain/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: FRAMEWORK_AND_IO, message: "server/domain is pure: no framework or I/O imports." }] },
      ],
    },
  },
  {
    // server/env.ts is the only reader of process.env inside the app.
    files: ["server/**/*.ts", "app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}"],
    ignores: ["server/env.ts", "**/*.test.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through server/env.ts." },
      ],
    },
  },
]);
