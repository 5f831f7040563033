/**
 * Signs a user in over HTTP the way a browser does with Auth.js credentials: GET /api/auth/csrf (a
 * token in JSON, and the same token in a cookie), POST the form to /api/auth/callback/credentials with
 * that cookie, keep what it sets (the JWT session cookie), then ask /api/auth/session who we are.
 */

const REQUEST_TIMEOUT_MS = 30_000;

export type SignedIn = {
  /** The Cookie header a browser would now send: every cookie Auth.js set (csrf, callback url, session). */
  cookie: string;
  userId: string;
};

/** Cookies by name, as a browser keeps them for one origin and path "/". */
type CookieJar = Map<string, string>;

function keepCookies(jar: CookieJar, response: Response): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair = "", ...attributes] = line.split(";");
    const at = pair.indexOf("=");
    if (at <= 0) continue;
    const name = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    const expired = attributes.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a)) || value === "";
    if (expired) jar.delete(name);
    else jar.set(name, value);
  }
}

function cookieHeader(jar: CookieJar): string {
  return [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
}

export async function signIn(origin: string, email: string, password: string): Promise<SignedIn> {
  const jar: CookieJar = new Map();
  const csrfResponse = await fetch(`${origin}/api/auth/csrf`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  keepCookies(jar, csrfResponse);
  const { csrfToken } = (await csrfResponse.json()) as { csrfToken?: string };
  if (!csrfToken) throw new Error(`GET /api/auth/csrf answered HTTP ${csrfResponse.status} without a csrfToken`);

  const callback = await fetch(`${origin}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(jar) },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${origin}/` }),
    // The answer is a redirect that carries the session cookie: read it here rather than follow it.
    redirect: "manual",
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  keepCookies(jar, callback);
  await callback.arrayBuffer();
  // Auth.js splits a large session cookie into .0, .1, …: any of them means a session was set.
  if (![...jar.keys()].some((name) => name.startsWith("authjs.session-token"))) {
    throw new Error(
      `signing in ${email} set no authjs.session-token cookie (HTTP ${callback.status}, location ${callback.headers.get("location") ?? "none"})`,
    );
  }

  const cookie = cookieHeader(jar);
  const sessionResponse = await fetch(`${origin}/api/auth/session`, {
    headers: { cookie },
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const session = (await sessionResponse.json()) as { user?: { id?: string; email?: string } } | null;
  if (session?.user?.email !== email || !session.user.id) {
    throw new Error(
      `after signing in ${email}, /api/auth/session answered HTTP ${sessionResponse.status}: ${JSON.stringify(session).slice(0, 200)}`,
    );
  }
  return { cookie, userId: session.user.id };
}
