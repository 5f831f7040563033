import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // forbidden(): a shopper reaching /admin gets a real 403 page.
  experimental: { authInterrupts: true },
  serverExternalPackages: ["@node-rs/argon2", "postgres", "pg-boss", "pg"],
  poweredByHeader: false,
};

export default nextConfig;
