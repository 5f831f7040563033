/**
 * Polls until the URL answers below 500. `gone()` names why to stop early (the server process died);
 * `describe()` adds context (e.g. the server's recent output) to the errors.
 */
export async function waitForHttp(
  url: string,
  timeoutMs: number,
  opts: { gone?: () => string | undefined; describe?: () => string } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const context = () => (opts.describe ? `:\n${opts.describe()}` : "");
  while (Date.now() < deadline) {
    const gone = opts.gone?.();
    if (gone) throw new Error(`${gone} before answering ${url}${context()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s${context()}`);
}
