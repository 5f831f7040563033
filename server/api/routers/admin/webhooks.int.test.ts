import { randomUUID } from "node:crypto";
import type { Session } from "next-auth";
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS } from "@/server/db/demo-data";
import { getDb } from "@/server/db/client";
import { findUserByEmail } from "@/server/db/queries/find-user-by-email";
import { createCaller } from "../../root";

type Role = "admin" | "viewer" | "shopper";
const sessions = {} as Record<Role, Session>;
const as = (role: Role | "anonymous") =>
  createCaller({
    session: role === "anonymous" ? null : sessions[role],
    headers: new Headers(),
    ip: `10.8.${role.length}.1`,
  });

beforeAll(async () => {
  for (const role of ["admin", "viewer", "shopper"] as const) {
    const account = DEMO_ACCOUNTS.find((a) => a.role === role)!;
    const user = await findUserByEmail(getDb(), account.email);
    sessions[role] = { user: { id: user!.id, email: user!.email, role }, expires: "2099-01-01" };
  }
});

async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (e) {
    return (e as TRPCError).code;
  }
  return "OK";
}

describe("admin.webhooks access: admin writes, viewer reads", () => {
  it("each procedure answers each caller as its tier says", async () => {
    const { endpoint, secret } = await as("admin").admin.webhooks.create({
      url: "https://example.com/access",
      eventTypes: ["coupon.created"],
    });
    expect(secret).toMatch(/^whsec_/);
    const id = endpoint.id;
    const reads = {
      list: (r: Role | "anonymous") => as(r).admin.webhooks.list(),
      deliveries: (r: Role | "anonymous") => as(r).admin.webhooks.deliveries({ endpointId: id }),
    };
    const writes = {
      create: (r: Role | "anonymous") =>
        as(r).admin.webhooks.create({ url: "https://example.com/x", eventTypes: ["job.finished"] }),
      update: (r: Role | "anonymous") => as(r).admin.webhooks.update({ id, description: "changed" }),
      revealSecret: (r: Role | "anonymous") => as(r).admin.webhooks.revealSecret({ id }),
      sendTest: (r: Role | "anonymous") => as(r).admin.webhooks.sendTest({ id }),
      replay: (r: Role | "anonymous") => as(r).admin.webhooks.replay({ deliveryId: randomUUID() }),
      delete: (r: Role | "anonymous") => as(r).admin.webhooks.delete({ id: randomUUID() }),
    };
    for (const [name, call] of Object.entries(reads)) {
      expect(await codeOf(call("anonymous")), name).toBe("UNAUTHORIZED");
      expect(await codeOf(call("shopper")), name).toBe("FORBIDDEN");
      expect(await codeOf(call("viewer")), name).toBe("OK");
      expect(await codeOf(call("admin")), name).toBe("OK");
    }
    for (const [name, call] of Object.entries(writes)) {
      expect(await codeOf(call("anonymous")), name).toBe("UNAUTHORIZED");
      expect(await codeOf(call("shopper")), name).toBe("FORBIDDEN");
      expect(await codeOf(call("viewer")), name).toBe("FORBIDDEN");
    }
    // The viewer's list shows no secret.
    expect(JSON.stringify(await as("viewer").admin.webhooks.list())).not.toContain(secret.slice(6));
    expect(await as("admin").admin.webhooks.revealSecret({ id })).toEqual({ secret });
    // Unknown ids: 404, not 500.
    expect(await codeOf(writes.replay("admin"))).toBe("NOT_FOUND");
    expect(await codeOf(writes.delete("admin"))).toBe("NOT_FOUND");
    expect(await codeOf(as("admin").admin.webhooks.deliveries({ endpointId: randomUUID() }))).toBe("NOT_FOUND");
    await as("admin").admin.webhooks.delete({ id });
  });

  it("bad input is a 400 with a clear message and changes nothing", async () => {
    for (const input of [
      { url: "file:///etc/passwd", eventTypes: ["coupon.created"] },
      { url: "https://example.com/h", eventTypes: [] },
      { url: "https://example.com/h", eventTypes: ["coupon.created", "coupon.created"] },
      { url: "https://example.com/h", eventTypes: ["nope"] },
      { url: "x".repeat(3_000), eventTypes: ["coupon.created"] },
      { url: 42, eventTypes: ["coupon.created"] },
    ])
      expect(await codeOf(as("admin").admin.webhooks.create(input as never)), JSON.stringify(input).slice(0, 80)).toBe(
        "BAD_REQUEST",
      );
    expect(await codeOf(as("admin").admin.webhooks.update({ id: "not-a-uuid" }))).toBe("BAD_REQUEST");
    expect(await codeOf(as("admin").admin.webhooks.deliveries({ endpointId: randomUUID(), limit: 1000 }))).toBe(
      "BAD_REQUEST",
    );
    const urls = (await as("admin").admin.webhooks.list()).map((e) => e.url);
    expect(urls.filter((u) => u === "https://example.com/h" || u.startsWith("file:"))).toEqual([]);
  });
});
