import type { NextConfig } from "next";
import { API_SECURITY_HEADERS, HSTS_HEADER, pageSecurityHeaders } from "./server/api/security-headers";

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
    const api = Object.entries(API_SECURITY_HEADERS).map(([key, value]) => ({ key, value }));
    return [
      { source: "/:path*", headers: all },
      // JSON answers of the REST mirror get the API set (the later rule wins for the same header).
      { source: "/api/v1/:path*", headers: api },
      { source: "/api/openapi.json", headers: api },
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
