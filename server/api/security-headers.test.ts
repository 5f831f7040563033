import { describe, expect, it } from "vitest";
import nextConfig from "@/next.config";
import { API_SECURITY_HEADERS, HSTS_HEADER, pageSecurityHeaders } from "./security-headers";

describe("security headers", () => {
  it("pages: a CSP that forbids framing, plugins and foreign form targets; no eval outside development", () => {
    const headers = pageSecurityHeaders(false);
    const csp = headers["Content-Security-Policy"]!;
    for (const directive of ["frame-ancestors 'none'", "object-src 'none'", "form-action 'self'", "base-uri 'self'"])
      expect(csp).toContain(directive);
    expect(csp).not.toContain("unsafe-eval");
    expect(pageSecurityHeaders(true)["Content-Security-Policy"]).toContain("unsafe-eval");
    expect(headers).toMatchObject({
      "Referrer-Policy": "strict-origin-when-cross-origin",
      "X-Content-Type-Options": "nosniff",
    });
    expect(API_SECURITY_HEADERS["Content-Security-Policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it("next.config sends them on every page, and HSTS only when the front server says the client used HTTPS", async () => {
    const rules = await nextConfig.headers!();
    const all = rules.find((r) => !r.has);
    expect(all?.source).toBe("/:path*");
    expect(all?.headers.map((h) => h.key)).toEqual(
      expect.arrayContaining(["Content-Security-Policy", "Referrer-Policy"]),
    );
    expect(all?.headers.map((h) => h.key)).not.toContain(HSTS_HEADER.key);
    const hsts = rules.find((r) => r.has);
    expect(hsts?.has).toEqual([{ type: "header", key: "x-forwarded-proto", value: "https" }]);
    expect(hsts?.headers).toEqual([HSTS_HEADER]);
  });
});
