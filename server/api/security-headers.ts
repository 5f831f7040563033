/**
 * Security headers (README, Production). Pages get them from next.config.ts; the API answers the front
 * server writes itself (node-handler.ts) get the API set. HSTS only when the client came over HTTPS.
 */

/** Pages: Next.js's App Router inlines its hydration scripts, so scripts and styles allow 'unsafe-inline' (no nonces: pages stay static). */
export function pageContentSecurityPolicy(dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

const COMMON = {
  "Referrer-Policy": "strict-origin-when-cross-origin",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
} as const;

export function pageSecurityHeaders(dev: boolean): Record<string, string> {
  return { "Content-Security-Policy": pageContentSecurityPolicy(dev), ...COMMON };
}

/** JSON answers: nothing in them may load or be framed. */
export const API_SECURITY_HEADERS: Record<string, string> = {
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
  ...COMMON,
};

export const HSTS_HEADER = { key: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains" } as const;
