import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort } from "@/tools/free-port";
import { describeConnectionError } from "./describe-connection-error";
import { migrateDatabase } from "./migrate";

// The first query at start (the migrations) against a Postgres that cannot be used: the error must
// name the server and the cause, never only drizzle's "Failed query: CREATE SCHEMA ...".

/** A TCP server that accepts connections and never answers, like a stuck or wrong server. */
let silent: net.Server;
let silentPort: number;
const silentSockets = new Set<net.Socket>();

beforeAll(async () => {
  silent = net.createServer((socket) => silentSockets.add(socket));
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  silentPort = (silent.address() as net.AddressInfo).port;
});

afterAll(async () => {
  for (const socket of silentSockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

async function migrationError(url: string): Promise<string> {
  const error = await migrateDatabase(url).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return (error as Error).message;
}

/** The global setup's embedded Postgres, with one part of its URL changed. */
function embeddedUrl(change: (url: URL) => void): { url: string; hostPort: string } {
  const url = new URL(process.env.DATABASE_URL!);
  change(url);
  return { url: url.href, hostPort: `${url.hostname}:${url.port}` };
}

describe("migrateDatabase names the server and the cause when Postgres cannot be used", () => {
  it("nothing listens on the port: connection refused", async () => {
    const port = await findFreePort();
    const message = await migrationError(`postgres://app:secret-pw@127.0.0.1:${port}/shop`);
    expect(message).toContain(`127.0.0.1:${port}`);
    expect(message).toContain('database "shop", user "app"');
    expect(message).toMatch(/connection refused/i);
    expect(message).not.toContain("secret-pw");
    expect(message).not.toMatch(/^Failed query/);
  });

  it("a wrong password against the embedded Postgres: authentication failed", async () => {
    const { url, hostPort } = embeddedUrl((u) => (u.password = "not-the-password"));
    const message = await migrationError(url);
    expect(message).toContain(hostPort);
    expect(message).toMatch(/authentication failed/i);
    expect(message).toContain("28P01");
    expect(message).not.toContain("not-the-password");
  });

  it("a database that does not exist", async () => {
    const { url, hostPort } = embeddedUrl((u) => (u.pathname = "/no_such_database"));
    const message = await migrationError(url);
    expect(message).toContain(hostPort);
    expect(message).toMatch(/database does not exist/i);
  });

  it("a server that accepts the connection but never answers: timed out", async () => {
    const message = await migrationError(`postgres://app:pw@127.0.0.1:${silentPort}/shop?connect_timeout=2`);
    expect(message).toContain(`127.0.0.1:${silentPort}`);
    expect(message).toMatch(/timed out/i);
  });

  it("an error that is not about connecting keeps its own message, with the server named", async () => {
    const { url } = embeddedUrl(() => {});
    const failed = new Error("Failed query: SELECT 1", { cause: new Error('relation "x" does not exist') });
    const message = describeConnectionError(failed, url);
    expect(message).toContain("Failed query: SELECT 1");
    expect(message).toContain('relation "x" does not exist');
  });
});
