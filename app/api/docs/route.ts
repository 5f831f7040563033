import { ApiReference } from "@scalar/nextjs-api-reference";

/**
 * The rendered API reference (Scalar). Its script is served from this origin (./scalar.js), not a CDN:
 * the page's Content-Security-Policy allows scripts from 'self' only, and the docs work offline.
 */
export const GET = ApiReference({
  url: "/api/openapi.json",
  cdn: "/api/docs/scalar.js",
  pageTitle: "CouponForge API",
  withDefaultFonts: false,
  hideClientButton: true,
  // Nothing leaves this origin: no AI agent, registry search, telemetry or deploy toolbar (the CSP would block them anyway).
  agent: { disabled: true },
  telemetry: false,
  showDeveloperTools: "never",
});
