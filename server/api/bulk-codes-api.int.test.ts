import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Session } from "next-auth";
import { beforeAll, expect, it } from "vitest";
import { getDb } from "@/server/db/client";
import { createCaller } from "./root";

let adminId: string;
let viewerId: string;

beforeAll(async () => {
  const rows = await getDb().execute<{ id: string; email: string }>(
    sql`select id, email from users where email in ('admin@demo.test', 'viewer@demo.test')`,
  );
  adminId = rows.find((r) => r.email === "admin@demo.test")!.id;
  viewerId = rows.find((r) => r.email === "viewer@demo.test")!.id;
});

const as = (id: string, role: "admin" | "viewer" | "shopper") => {
  const session: Session = { user: { id, role, email: `${role}@x.test` }, expires: "2099-01-01" };
  return createCaller({ session, headers: new Headers(), ip: "127.0.0.1" });
};

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "OK";
  } catch (error) {
    return (error as { code?: string }).code ?? "?";
  }
}

it("bulk codes, jobs, books and analytics answer bad input, unknown ids and roles with 4xx, never 500", async () => {
  const admin = as(adminId, "admin");
  const viewer = as(viewerId, "viewer");
  const missing = randomUUID();
  const cases: Array<[Promise<unknown>, string]> = [
    [admin.admin.codes.generate({ couponId: missing, count: 10 }), "NOT_FOUND"],
    [admin.admin.codes.generate({ couponId: missing, count: 10, length: 3 }), "BAD_REQUEST"],
    [admin.admin.codes.generate({ couponId: "x", count: -1 } as never), "BAD_REQUEST"],
    [viewer.admin.codes.generate({ couponId: missing, count: 10 }), "FORBIDDEN"],
    [admin.admin.codes.import({ couponId: missing, uploadId: missing }), "NOT_FOUND"],
    [admin.admin.codes.export({ couponId: missing }), "NOT_FOUND"],
    [admin.admin.codes.export({} as never), "BAD_REQUEST"],
    [viewer.admin.codes.export({ couponId: missing }), "FORBIDDEN"],
    [admin.admin.jobs.get({ jobId: missing }), "NOT_FOUND"],
    [admin.admin.jobs.get({ jobId: "nope" }), "BAD_REQUEST"],
    [viewer.admin.jobs.cancel({ jobId: missing }), "FORBIDDEN"],
    [admin.admin.jobs.cancel({ jobId: missing }), "NOT_FOUND"],
    [admin.admin.books.create({ couponId: missing, name: "x" } as never), "NOT_FOUND"],
    [admin.admin.books.create({ couponId: missing, name: "" } as never), "BAD_REQUEST"],
    [admin.admin.books.assign({ bookId: missing, user: { email: "a@b.test" } }), "NOT_FOUND"],
    [admin.admin.books.codes({ bookId: missing } as never), "NOT_FOUND"],
    [as(adminId, "shopper").admin.books.list({}), "FORBIDDEN"],
    [viewer.admin.analytics.summary({ from: "2020-01-01", to: "2026-01-01" } as never), "BAD_REQUEST"],
    [viewer.admin.analytics.timeseries({ channel: "fax" } as never), "BAD_REQUEST"],
    [viewer.admin.analytics.refresh(), "FORBIDDEN"],
  ];
  const answers = await Promise.all(cases.map(([promise]) => codeOf(promise)));
  expect(answers).toEqual(cases.map(([, expected]) => expected));
  expect(await codeOf(viewer.admin.analytics.summary({} as never))).toBe("OK");
  expect(await codeOf(viewer.admin.books.list({}))).toBe("OK");
});
