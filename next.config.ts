import type { NextConfig } from "next";
import { HSTS_HEADER, pageSecurityHeaders } from "./server/api/security-headers";

const dev = process.env.NODE_ENV === "development";

const nextConfig: NextConfig = {
  experimental: {
    // forbidden(): a shopper reaching /admin gets a real 403 page.
    authInterrupts: true,
    // Off: with Turbopack's dev cache restored from an earlier run, a page opened at the ready line could
    // reload itself about once a second (every HMR subscription answered with `restart`). docs/dev-server.md
    turbopackFileSystemCacheForDev: false,
  },
  serverExternalPackages: ["@node-rs/argon2", "postgres", "pg-boss", "pg"],
  poweredByHeader: false,
  async headers() {
    const all = Object.entries(pageSecurityHeaders(dev)).map(([key, value]) => ({ key, value }));
    return [
      { source: "/:path*", headers: all },
      // The front server (tools/serve.ts) sets X-Forwarded-Proto from its socket or a trusted proxy.
      {
        source: "/:path*",
        has: [{ type: "header", key: "x-forwarded-proto", value: "https" }],
        headers: [HSTS_HEADER],
      },
    ];
  },
};

export default nextConfig;
