/** What a failure to reach Postgres says to the person starting the app. */
const CAUSES: Record<string, string> = {
  ECONNREFUSED: "connection refused (nothing listens there: is Postgres running, and on that port?)",
  ENOTFOUND: "the host name does not resolve",
  EAI_AGAIN: "the host name does not resolve (DNS lookup failed)",
  ETIMEDOUT: "timed out connecting (a firewall, or the wrong host?)",
  EHOSTUNREACH: "the host is unreachable",
  ENETUNREACH: "the network is unreachable",
  ECONNRESET: "the connection was reset (TLS required, or not a Postgres server?)",
  CONNECT_TIMEOUT: "timed out: the server accepted the connection but did not answer as Postgres does",
  // SQLSTATE codes (https://www.postgresql.org/docs/current/errcodes-appendix.html)
  "28P01": "authentication failed: wrong password",
  "28000": "authentication failed: this user may not connect (pg_hba.conf)",
  "3D000": "the database does not exist",
  "53300": "too many connections",
  "57P03": "the server is starting up or shutting down",
};

/**
 * Turns an error from a first query (e.g. drizzle's `Failed query: CREATE SCHEMA IF NOT EXISTS
 * "drizzle"`) into a message that names the server, from the URL (never its password), and the cause
 * found in the error's `cause` chain. Other errors keep their own message.
 */
export function describeConnectionError(error: unknown, url: string): string {
  const where = describeTarget(url);
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    const cause = typeof code === "string" ? CAUSES[code] : undefined;
    if (cause) return `Cannot use Postgres at ${where}: ${cause} [${code}: ${current.message}]`;
  }
  return `Postgres at ${where} failed: ${chainOfMessages(error)}`;
}

function describeTarget(url: string): string {
  try {
    const parsed = new URL(url);
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, "")) || "(default database)";
    const user = decodeURIComponent(parsed.username) || "(default user)";
    return `${parsed.hostname || "localhost"}:${parsed.port || "5432"} (database "${database}", user "${user}")`;
  } catch {
    return "DATABASE_URL (not a valid URL)";
  }
}

function chainOfMessages(error: unknown): string {
  const messages: string[] = [];
  for (let current: unknown = error; current !== undefined; current = (current as Error).cause) {
    const message = current instanceof Error ? current.message : String(current);
    if (!messages.includes(message)) messages.push(message);
    if (!(current instanceof Error)) break;
  }
  return messages.join(": ");
}
