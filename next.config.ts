import type { NextConfig } from "next";
import { API_SECURITY_HEADERS, HSTS_HEADER, pageSecurityHeaders } from "./server/api/security-headers";

const dev = process.env.NODE_ENV === "development";

const nextConfig: NextConfig = {
  // forbidden(): a shopper reaching /admin gets a real 403 page.
  experimental: { authInterrupts: true },
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
