const FALLBACK = "/";
const BASE = "http://same-site.invalid";

/**
 * A callbackUrl kept only when it is a path on this site: "/admin?x=1" stays; "https://evil.example",
 * "//evil.example", "/\evil.example" (browsers read a backslash as a slash), "/%5Cevil.example",
 * control characters and anything else that would leave the site become "/".
 */
export function safeCallbackPath(value: unknown): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 2048) return FALLBACK;
  if (!value.startsWith("/") || /[\\\u0000-\u001f\u007f]/.test(value)) return FALLBACK;
  let decoded = value;
  try {
    // A path that decodes to one of the above is refused too (it may be decoded once more downstream).
    decoded = decodeURIComponent(value);
  } catch {
    return FALLBACK;
  }
  if (decoded.startsWith("//") || /[\\\u0000-\u001f\u007f]/.test(decoded) || value.startsWith("//")) return FALLBACK;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return FALLBACK;
  }
  if (url.origin !== BASE) return FALLBACK;
  return `${url.pathname}${url.search}${url.hash}`;
}
