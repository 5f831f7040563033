import type { NextConfig } from "next";
import { HSTS_HEADER, pageSecurityHeaders } from "./server/api/security-headers";

const dev = process.env.NODE_ENV === "development";

const nextConfig: NextConfig = {
  // forbidden(): a shopper reaching /admin gets a real 403 page.
  experimental: { authInterrupts: true },
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
