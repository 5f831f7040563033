// Fuzzes the inputs of every tRPC procedure (through the real fetch adapter) and every REST route (SPEC "Security"):
// every answer is 2xx or 4xx, never 5xx; a 4xx carries a clear message (and zodError for
// input errors); bad input changes nothing in the database.

import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { count, inArray, or } from "drizzle-orm";
import fc from "fast-check";
import type { Session } from "next-auth";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashCodeForLookup } from "@/server/crypto/code-secrets";
import { getDb } from "@/server/db/client";
import { findCodesByLookupHashes } from "@/server/db/queries/codes";
import { findCouponById } from "@/server/db/queries/coupons";
import { findUserByEmail } from "@/server/db/queries/find-user-by-email";
import { books, codes, coupons, lockItems, locks, redemptions, users } from "@/server/db/schema";
import { parseCode } from "@/server/domain/code-format";
import { MAX_MONEY_MINOR } from "@/server/domain/money";
import { REASON_MESSAGES } from "@/server/domain/reasons";
import { appRouter } from "./root";
import { makeKey, rest, type RestAnswer } from "./rest.fixtures";
import { restRoutes } from "./rest-handler";
import { callTrpcHttp, sessionFor } from "./test-http";
import { createTRPCContext } from "./trpc";

// ---------------------------------------------------------------------------------------------
// Actors, requests and the answer contract
// ---------------------------------------------------------------------------------------------

type Role = "admin" | "viewer" | "shopper";
type Who = "anon" | Role;
type Actor = { id: string; email: string; role: Role };
type Path = "checkout.validate" | "admin.coupons.create" | "admin.coupons.get" | "admin.codes.create";
type Method = "GET" | "POST";
type Answer = { status: number; body: unknown };

const RUN = Math.random().toString(36).slice(2, 8).toUpperCase();
// Own users (not the seeded ones): other integration files share this database in parallel and
// rate-limit by user, so the fuzz must neither count their rows nor exhaust their limits.
const actors = {} as Record<Role, Actor>;
const METHOD_OF: Record<Path, Method> = {
  "checkout.validate": "POST",
  "admin.coupons.create": "POST",
  "admin.coupons.get": "GET",
  "admin.codes.create": "POST",
};

let requests = 0;
let ipSeq = 0;
/** A new client address per call: failed codes are rate-limited per IP, and never the helper's default 10.9.9.9. */
function freshIp(): string {
  ipSeq += 1;
  return `198.${18 + ((ipSeq >> 16) & 1)}.${(ipSeq >> 8) & 255}.${ipSeq & 255}`;
}

function sessionOf(who: Who): Session | null {
  return who === "anon" ? null : sessionFor(actors[who]);
}

/** superjson wire format; objects superjson refuses (e.g. own "__proto__" keys) go as plain {"json": ...}. */
function encode(input: unknown): string {
  try {
    return JSON.stringify(superjson.serialize(input));
  } catch {
    // BigInts (superjson refused the object around them) go as decimal strings.
    return JSON.stringify({ json: input }, (_key, value: unknown) =>
      typeof value === "bigint" ? value.toString() : value,
    );
  }
}

type Call = {
  path: Path;
  who: Who;
  body: string;
  method?: Method;
  contentType?: string | null;
  ip?: string;
  label?: string;
};

async function send(call: Call): Promise<Answer> {
  requests += 1;
  const method = call.method ?? METHOD_OF[call.path];
  const ip = call.ip ?? freshIp();
  if (call.contentType === undefined) {
    return callTrpcHttp(call.path, { session: sessionOf(call.who), rawBody: call.body, method, ip });
  }
  // test-http always sends application/json; this is the same adapter call with another content type.
  const headers = new Headers({ "x-forwarded-for": ip });
  if (call.contentType !== null) headers.set("content-type", call.contentType);
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: new Request(`http://localhost/api/trpc/${call.path}`, {
      method,
      headers,
      body: method === "GET" ? undefined : call.body,
    }),
    router: appRouter,
    createContext: () => createTRPCContext({ headers, session: sessionOf(call.who), ip }),
  });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) as unknown };
  } catch {
    return { status: response.status, body: text };
  }
}

const HTTP_OF_CODE: Record<string, number> = {
  BAD_REQUEST: 400,
  PARSE_ERROR: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_SUPPORTED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE_CONTENT: 422,
  TOO_MANY_REQUESTS: 429,
};

// A message that leaks a server-side failure instead of telling the caller what is wrong with the input.
const UNCLEAR_MESSAGE =
  /^Internal error$|Unexpected (token|end of JSON|non-whitespace)|in JSON at position|Expected property name|Cannot read propert|is not a function|is not defined|is not iterable|undefined is not|Maximum call stack|Invalid time value|out of range|violates|syntax error at|Failed query|\bat .+:\d+:\d+/i;

type Expectation = {
  statuses: readonly number[];
  /** The body is well-formed superjson: a BAD_REQUEST is then an input error and must carry zodError. */
  inputError?: boolean;
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Why an answer breaks the contract; empty when it is fine. */
function problemsOf(answer: Answer, expectation: Expectation): string[] {
  const problems: string[] = [];
  if (answer.status >= 500) problems.push(`server error ${answer.status}`);
  if (!expectation.statuses.includes(answer.status))
    problems.push(`status ${answer.status}, expected one of ${expectation.statuses.join("/")}`);
  const body = answer.body;
  if (answer.status >= 200 && answer.status < 300) {
    if (!isRecord(body) || !isRecord(body.result) || !("data" in body.result)) problems.push("2xx without result.data");
    return problems;
  }
  const error = isRecord(body) && isRecord(body.error) && isRecord(body.error.json) ? body.error.json : undefined;
  if (!error) return [...problems, "no error.json in the answer"];
  const data = isRecord(error.data) ? error.data : {};
  const message = error.message;
  if (typeof message !== "string" || message.trim().length === 0) problems.push("empty message");
  else if (UNCLEAR_MESSAGE.test(message) || message === data.code)
    problems.push(`unclear message ${JSON.stringify(message.slice(0, 200))}`);
  if (data.httpStatus !== answer.status)
    problems.push(`data.httpStatus ${String(data.httpStatus)} != ${answer.status}`);
  if (typeof data.code !== "string" || HTTP_OF_CODE[data.code] !== answer.status)
    problems.push(`code ${String(data.code)} does not map to ${answer.status}`);
  if (data.code === "BAD_REQUEST" && expectation.inputError) {
    const zod = data.zodError;
    if (!(isRecord(zod) && isRecord(zod.fieldErrors) && Array.isArray(zod.formErrors)))
      problems.push("BAD_REQUEST input error without data.zodError");
  }
  if (answer.status === 429 && data.reason !== "RATE_LIMITED") problems.push(`429 with reason ${String(data.reason)}`);
  return problems;
}

const clip = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max)}... (${text.length} chars)` : text;

// Reported, not asserted: how large an error answer a bad input can provoke.
let largestError = { bytes: 0, call: "" };

type Finding = { call: string; status: number; problems: string[]; body: string };
const findings: Finding[] = [];

/** Sends one call and throws (with the request and the whole answer) when the answer breaks the contract. */
async function expectContract(call: Call, expectation: Expectation): Promise<Answer> {
  const answer = await send(call);
  const problems = problemsOf(answer, expectation);
  if (answer.status >= 400) {
    const bytes = typeof answer.body === "string" ? answer.body.length : JSON.stringify(answer.body).length;
    if (bytes > largestError.bytes)
      largestError = { bytes, call: `${call.label ?? ""} ${call.path} (request ${call.body.length} bytes)` };
  }
  if (answer.status === 200) recordCreated(call.path, answer);
  if (problems.length > 0) {
    const finding = {
      call: `${call.label ?? ""} ${call.who} ${call.method ?? METHOD_OF[call.path]} ${call.path}${call.contentType !== undefined ? ` content-type=${String(call.contentType)}` : ""} body=${clip(call.body, 400)}`,
      status: answer.status,
      problems,
      body: clip(typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body), 1_500),
    };
    findings.push(finding);
    throw new Error(`${problems.join("; ")}\n  request: ${finding.call}\n  answer ${answer.status}: ${finding.body}`);
  }
  return answer;
}

function resultOf<T>(answer: Answer): T {
  return (answer.body as { result: { data: { json: T } } }).result.data.json;
}

// A generated input that happens to be valid may create a row: counted here, subtracted at the end.
const created = { coupons: new Set<string>(), codes: new Set<string>() };
function recordCreated(path: Path, answer: Answer): void {
  if (path !== "admin.coupons.create" && path !== "admin.codes.create") return;
  const id = resultOf<{ id?: unknown }>(answer).id;
  if (typeof id !== "string") throw new Error(`${path} answered 200 without an id: ${JSON.stringify(answer.body)}`);
  (path === "admin.coupons.create" ? created.coupons : created.codes).add(id);
}

/** What each procedure may answer, per caller: auth first (401/403), then input. */
function expectedFor(path: Path, who: Who): Expectation {
  switch (path) {
    case "checkout.validate":
      // A signed-in caller's failed codes count against a per-user limit (10 per window): 429 may come.
      return { statuses: who === "anon" ? [200, 400] : [200, 400, 429], inputError: true };
    case "admin.coupons.get":
      if (who === "anon") return { statuses: [401] };
      if (who === "shopper") return { statuses: [403] };
      return { statuses: [200, 400, 404], inputError: true };
    case "admin.coupons.create":
    case "admin.codes.create":
      if (who === "anon") return { statuses: [401] };
      if (who !== "admin") return { statuses: [403] };
      // 422: input that passed its schema but breaks a rule of the data (e.g. no such user); 404/409 for codes.
      return {
        statuses: path === "admin.codes.create" ? [200, 400, 404, 409, 422] : [200, 400, 422],
        inputError: true,
      };
  }
}

// ---------------------------------------------------------------------------------------------
// Valid bases and nasty values
// ---------------------------------------------------------------------------------------------

let targetCouponId = "";
let targetCode = "";
let codeSeq = 0;
const freshCode = () => `FZ${RUN}${(codeSeq += 1).toString(36).toUpperCase()}`;

const validCart = () => ({
  currency: "USD",
  items: [
    { productId: "espresso-beans", categoryIds: ["coffee"], unitPrice: 2450, quantity: 2 },
    { productId: "sencha", categoryIds: ["tea"], unitPrice: 990, quantity: 1 },
  ],
  shipping: 500,
  channel: "web",
});
const VALID_CART_SUBTOTAL = 2450 * 2 + 990;

type Base = { path: Path; make: () => Record<string, unknown>; fields: ReadonlyArray<ReadonlyArray<string | number>> };

const BASES: readonly Base[] = [
  {
    path: "checkout.validate",
    make: () => ({
      codes: [],
      cart: validCart(),
      customer: { id: "fuzz-customer", email: "fuzz@shop.test", previousOrders: 0 },
    }),
    fields: [
      ["codes"],
      ["cart"],
      ["cart", "currency"],
      ["cart", "items"],
      ["cart", "items", 0],
      ["cart", "items", 0, "productId"],
      ["cart", "items", 0, "categoryIds"],
      ["cart", "items", 0, "categoryIds", 0],
      ["cart", "items", 0, "unitPrice"],
      ["cart", "items", 0, "quantity"],
      ["cart", "items", 1, "unitPrice"],
      ["cart", "shipping"],
      ["cart", "channel"],
      ["customer"],
      ["customer", "id"],
      ["customer", "email"],
      ["customer", "previousOrders"],
    ],
  },
  {
    path: "admin.coupons.create",
    make: () => ({
      name: "Fuzz base fixed",
      description: "fuzz",
      internalNotes: "fuzz",
      voidRestoresUses: true,
      kind: "FIXED",
      value: 500,
      currency: "USD",
      minOrderAmount: 1_000,
      budget: 100_000,
      validFrom: new Date("2025-01-01T00:00:00Z"),
      validUntil: new Date("2099-01-01T00:00:00Z"),
      status: "DISABLED",
      maxRedemptions: 100,
      maxRedemptionsPerUser: 1,
      productIds: ["espresso-beans"],
      categoryIds: ["coffee"],
      allowedEmailDomains: ["shop.test"],
      firstOrderOnly: false,
      channels: ["web"],
      stacking: "STACKABLE",
      priority: 0,
    }),
    fields: [
      ["name"],
      ["description"],
      ["internalNotes"],
      ["voidRestoresUses"],
      ["kind"],
      ["value"],
      ["currency"],
      ["minOrderAmount"],
      ["budget"],
      ["validFrom"],
      ["validUntil"],
      ["status"],
      ["maxRedemptions"],
      ["maxRedemptionsPerUser"],
      ["productIds"],
      ["productIds", 0],
      ["categoryIds"],
      ["categoryIds", 0],
      ["allowedEmailDomains"],
      ["allowedEmailDomains", 0],
      ["firstOrderOnly"],
      ["channels"],
      ["channels", 0],
      ["stacking"],
      ["priority"],
    ],
  },
  {
    path: "admin.coupons.create",
    make: () => ({
      name: "Fuzz base percent",
      kind: "PERCENT",
      value: 1_250,
      maxDiscount: 500,
      currency: "EUR",
      status: "DISABLED",
    }),
    fields: [["name"], ["kind"], ["value"], ["maxDiscount"], ["currency"], ["status"]],
  },
  { path: "admin.coupons.get", make: () => ({ id: targetCouponId }), fields: [["id"]] },
  {
    path: "admin.codes.create",
    make: () => ({
      couponId: targetCouponId,
      kind: "SHARED",
      code: freshCode(),
      maxRedemptions: 5,
      assignedUserId: actors.shopper.id,
    }),
    fields: [["couponId"], ["kind"], ["code"], ["maxRedemptions"], ["assignedUserId"]],
  },
  {
    path: "admin.codes.create",
    make: () => ({ couponId: targetCouponId, kind: "UNIQUE" }),
    fields: [["couponId"], ["kind"], ["code"], ["maxRedemptions"]],
  },
];

const HUGE = "x".repeat(100_000);
const deepArray = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;

/** Named so that a counterexample prints as a short name, not as 100k characters. */
const SPECIAL_VALUES: Record<string, () => unknown> = {
  undefined: () => undefined,
  null: () => null,
  true: () => true,
  false: () => false,
  zero: () => 0,
  negativeZero: () => -0,
  minusOne: () => -1,
  half: () => 0.5,
  oneAndHalf: () => 1.5,
  minusOneAndHalf: () => -1.5,
  "1e308": () => 1e308,
  "-1e308": () => -1e308,
  tiny: () => 5e-324,
  "2^31": () => 2 ** 31,
  "2^53": () => 2 ** 53,
  "2^53+2": () => Number.MAX_SAFE_INTEGER + 2,
  moneyMaxPlusOne: () => MAX_MONEY_MINOR + 1,
  NaN: () => Number.NaN,
  Infinity: () => Number.POSITIVE_INFINITY,
  "-Infinity": () => Number.NEGATIVE_INFINITY,
  emptyString: () => "",
  space: () => " ",
  nullByte: () => "\u0000",
  innerNullByte: () => "AB\u0000CD",
  controls: () => "\t\n\r\u0007\u001b",
  "str:NaN": () => "NaN",
  "str:Infinity": () => "Infinity",
  "str:-0": () => "-0",
  "str:1e308": () => "1e308",
  "str:12": () => "12",
  "str:12.5": () => "12.5",
  "str:0x1F": () => "0x1F",
  "str:1,000": () => "1,000",
  "str:€10": () => "€10",
  "str:usd": () => "usd",
  "str:US": () => "US",
  "str:USDX": () => "USDX",
  "str:€": () => "€",
  "str:__proto__": () => "__proto__",
  "str:constructor": () => "constructor",
  "str:prototype": () => "prototype",
  "str:toString": () => "toString",
  emoji: () => "🎉🎉🎉🎉",
  family: () => "👨‍👩‍👧‍👦",
  zeroWidth: () => "SU\u200BMM\u200CER\u200D20\uFEFF",
  rtl: () => "\u202ESUMMER20\u202C\u200F",
  loneSurrogate: () => "AB\uD800CD",
  sql: () => "'; DROP TABLE coupons; --",
  html: () => "<script>alert(1)</script>",
  huge: () => HUGE,
  isoDate: () => "2025-01-31T23:59:59Z",
  isoYear0: () => "0000-01-01T00:00:00Z",
  isoYear9999: () => "9999-12-31T23:59:59Z",
  notADate: () => "not-a-date",
  nilUuid: () => "00000000-0000-0000-0000-000000000000",
  maxUuid: () => "ffffffff-ffff-ffff-ffff-ffffffffffff",
  emptyArray: () => [],
  arrayOfNull: () => [null],
  emptyObject: () => ({}),
  hugeInArray: () => [HUGE],
  tenThousandStrings: () => Array.from({ length: 10_000 }, (_, i) => `x${i}`),
  tenThousandNumbers: () => Array.from({ length: 10_000 }, (_, i) => i),
  thousandCodes: () => Array.from({ length: 1_000 }, (_, i) => `CODE${i}`),
  maxDate: () => new Date(8.64e15),
  minDate: () => new Date(-8.64e15),
  epoch: () => new Date(0),
  bigint: () => 10n,
  hugeBigint: () => 2n ** 70n,
  map: () => new Map([["a", 1]]),
  set: () => new Set(["USD"]),
  regexp: () => /USD/,
  error: () => new Error("boom"),
  url: () => new URL("https://example.com"),
};

/** Raw JSON spliced into a body (what superjson could not send, or what must not be re-parsed on our side). */
const RAW_VALUES: Record<string, string> = {
  deepArray10k: deepArray(10_000),
  deepObject5k: deepObject(5_000),
  protoKey: '{"__proto__":{"polluted":"yes","currency":"EUR","id":"x"}}',
  constructorKey: '{"constructor":{"prototype":{"polluted":"yes"}}}',
  protoInArray: '[{"__proto__":{"polluted":"yes"}}]',
  bigNumber: "1e999",
  longNumber: "123456789012345678901234567890",
};

type Nasty = { special: string } | { raw: string } | { value: unknown } | { delete: true };

const weirdChar = fc.constantFrom(
  "\u0000",
  "\u0007",
  "\t",
  "\n",
  "\r",
  "\u200B",
  "\u200C",
  "\u200D",
  "\u2060",
  "\uFEFF",
  "\u202E",
  "\u202D",
  "\u200F",
  "\u061C",
  "🎉",
  "👨‍👩‍👧",
  "ß",
  "ı",
  "İ",
  "Ａ",
  "٣",
  "-",
  " ",
  "\u00A0",
  "\u3000",
  "\uD800",
  "\uDFFF",
  "a",
  "Z",
  "9",
  "%",
  "'",
  '"',
  "\\",
  "<",
  "é",
  "e\u0301",
);

const nastyValue: fc.Arbitrary<Nasty> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...Object.keys(SPECIAL_VALUES)).map((special): Nasty => ({ special })) },
  { weight: 1, arbitrary: fc.constantFrom(...Object.keys(RAW_VALUES)).map((raw): Nasty => ({ raw })) },
  { weight: 1, arbitrary: fc.constant<Nasty>({ delete: true }) },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value): Nasty => ({ value })) },
  {
    weight: 2,
    arbitrary: fc
      .anything({
        maxDepth: 2,
        withBigInt: true,
        withDate: true,
        withMap: true,
        withSet: true,
        withNullPrototype: true,
      })
      .map((value): Nasty => ({ value })),
  },
  { weight: 2, arbitrary: fc.string({ unit: weirdChar, maxLength: 40 }).map((value): Nasty => ({ value })) },
  { weight: 1, arbitrary: fc.double().map((value): Nasty => ({ value })) },
  { weight: 1, arbitrary: fc.integer({ min: -(2 ** 40), max: 2 ** 40 }).map((value): Nasty => ({ value })) },
);

const RAW_MARKER = "__FUZZ_RAW_VALUE__";

/** Input with the value at `field` replaced (or deleted), encoded for the wire. */
function bodyWith(base: Record<string, unknown>, field: ReadonlyArray<string | number>, nasty: Nasty): string {
  const input = structuredClone(base);
  let parent: Record<string | number, unknown> = input;
  for (const key of field.slice(0, -1)) {
    const next = parent[key];
    if (typeof next !== "object" || next === null) throw new Error(`no object at ${field.join(".")}`);
    parent = next as Record<string | number, unknown>;
  }
  const last = field[field.length - 1]!;
  if ("delete" in nasty) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
    return encode(input);
  }
  if ("raw" in nasty) {
    parent[last] = RAW_MARKER;
    return encode(input).replace(`"${RAW_MARKER}"`, () => RAW_VALUES[nasty.raw]!);
  }
  parent[last] = "special" in nasty ? SPECIAL_VALUES[nasty.special]!() : nasty.value;
  return encode(input);
}

/** JSON text of a value, or null where JSON has no form for it (bigint, undefined). */
function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "null";
  } catch {
    return "null";
  }
}

function wholeBody(nasty: Nasty): string {
  if ("delete" in nasty) return encode(undefined);
  if ("raw" in nasty) return `{"json":${RAW_VALUES[nasty.raw]!}}`;
  return encode("special" in nasty ? SPECIAL_VALUES[nasty.special]!() : nasty.value);
}

// ---------------------------------------------------------------------------------------------
// "Changes nothing": the rows the fuzz could touch, before and after
// ---------------------------------------------------------------------------------------------

async function footprint() {
  const db = getDb();
  const actorIds = Object.values(actors).map((actor) => actor.id);
  const couponIds = (
    await db
      .select({ id: coupons.id })
      .from(coupons)
      .where(or(inArray(coupons.createdBy, actorIds), inArray(coupons.updatedBy, actorIds)))
  )
    .map((row) => row.id)
    .sort();
  const codeRows = await db
    .select()
    .from(codes)
    .where(or(inArray(codes.couponId, couponIds), inArray(codes.assignedUserId, actorIds)));
  const countOf = async (query: Promise<Array<{ n: number }>>) => (await query)[0]?.n ?? Number.NaN;
  return {
    couponIds,
    codeIds: codeRows.map((row) => row.id).sort(),
    codeRows: new Map(codeRows.map((row) => [row.id, row])),
    targetCoupon: await findCouponById(db, targetCouponId),
    books: await countOf(db.select({ n: count() }).from(books).where(inArray(books.couponId, couponIds))),
    locks: await countOf(db.select({ n: count() }).from(locks).where(inArray(locks.customerId, actorIds))),
    lockItems: await countOf(
      db
        .select({ n: count() })
        .from(lockItems)
        .where(or(inArray(lockItems.couponId, couponIds), inArray(lockItems.customerId, actorIds))),
    ),
    redemptions: await countOf(
      db
        .select({ n: count() })
        .from(redemptions)
        .where(or(inArray(redemptions.couponId, couponIds), inArray(redemptions.customerId, actorIds))),
    ),
    // No procedure here creates users; the whole table is counted.
    users: await countOf(db.select({ n: count() }).from(users)),
    actors: await db.select().from(users).where(inArray(users.id, actorIds)),
  };
}

let before: Awaited<ReturnType<typeof footprint>>;
const prototypeKeys = () => ({
  object: Object.getOwnPropertyNames(Object.prototype).sort(),
  array: Object.getOwnPropertyNames(Array.prototype).sort(),
});
const prototypesBefore = prototypeKeys();
const startedAt = Date.now();

async function ensureActor(role: Role): Promise<Actor> {
  const email = `fuzz-${role}-${RUN.toLowerCase()}@fuzz.test`;
  let user = await findUserByEmail(getDb(), email);
  if (!user) {
    [user] = await getDb()
      .insert(users)
      .values({ email, name: `Fuzz ${role}`, role, passwordHash: "not-a-password-hash: this user never signs in" })
      .returning();
  }
  if (!user) throw new Error(`could not create ${email}`);
  return { id: user.id, email: user.email, role: user.role };
}

beforeAll(async () => {
  // The seed must be there (globalSetup): a sanity check that we talk to the right database.
  expect(await findUserByEmail(getDb(), "admin@demo.test")).toMatchObject({ role: "admin" });
  for (const role of ["admin", "viewer", "shopper"] as const) actors[role] = await ensureActor(role);

  const coupon = await send({
    path: "admin.coupons.create",
    who: "admin",
    // Disabled: the codes that valid fuzz inputs create on it must not give discounts to other test files.
    body: encode({ name: `Fuzz target ${RUN}`, kind: "PERCENT", value: 1_000, validUntil: null, status: "DISABLED" }),
  });
  expect(coupon.status, JSON.stringify(coupon.body)).toBe(200);
  targetCouponId = resultOf<{ id: string }>(coupon).id;
  targetCode = freshCode();
  const code = await send({
    path: "admin.codes.create",
    who: "admin",
    body: encode({ couponId: targetCouponId, kind: "SHARED", code: targetCode }),
  });
  expect(code.status, JSON.stringify(code.body)).toBe(200);
  before = await footprint();
});

afterAll(() => {
  console.info(
    `[fuzz] ${requests} requests in ${((Date.now() - startedAt) / 1000).toFixed(1)} s; ` +
      `${created.coupons.size} coupons and ${created.codes.size} codes created by inputs that were valid; ${findings.length} contract breaches`,
  );
  console.info(`[fuzz] largest error answer: ${largestError.bytes} bytes, for ${largestError.call}`);
  for (const finding of findings) console.info(`[fuzz] breach: ${JSON.stringify(finding)}`);
});

// ---------------------------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------------------------

const PATHS = Object.keys(METHOD_OF) as Path[];
const WHO: readonly Who[] = ["anon", "shopper", "viewer", "admin"];

describe("fuzzed tRPC inputs answer 2xx or a clear 4xx, never 5xx", () => {
  it.each(PATHS)("%s: any value as the whole input, as any caller", async (path) => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...WHO), nastyValue, async (who, nasty) => {
        await expectContract({ path, who, body: wholeBody(nasty), label: "whole" }, expectedFor(path, who));
      }),
      { numRuns: 500 },
    );
  });

  it.each(BASES.map((base, index) => [`${base.path} #${index}`, base] as const))(
    "%s: any value in one field of an otherwise valid input",
    async (_name, base) => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...base.fields),
          nastyValue,
          fc.constantFrom<Who>("admin", "admin", "admin", "viewer", "shopper", "anon"),
          async (field, nasty, who) => {
            const body = bodyWith(base.make(), field, nasty);
            await expectContract(
              { path: base.path, who, body, label: `field ${field.join(".")}` },
              expectedFor(base.path, who),
            );
          },
        ),
        { numRuns: base.path === "admin.coupons.get" ? 200 : 600 },
      );
    },
  );

  // Random draws rarely hit one given value in one given field; this sweep tries each of them in each field.
  it.each(BASES.map((base, index) => [`${base.path} #${index}`, base] as const))(
    "%s: every named nasty value in every field",
    async (_name, base) => {
      const nasties: Nasty[] = [
        ...Object.keys(SPECIAL_VALUES).map((special) => ({ special })),
        ...Object.keys(RAW_VALUES).map((raw) => ({ raw })),
        { delete: true },
      ];
      const breaches: string[] = [];
      for (const field of base.fields) {
        for (const nasty of nasties) {
          const label = `sweep ${field.join(".")}=${"special" in nasty ? nasty.special : "raw" in nasty ? nasty.raw : "(deleted)"}`;
          try {
            await expectContract(
              { path: base.path, who: "admin", body: bodyWith(base.make(), field, nasty), label },
              expectedFor(base.path, "admin"),
            );
          } catch (error) {
            breaches.push(`${label}: ${(error as Error).message.split("\n")[0]}`);
          }
        }
      }
      // All of them at once (the full requests and answers are in the [fuzz] breach log).
      expect(breaches).toEqual([]);
    },
  );

  it.each(BASES.map((base, index) => [`${base.path} #${index}`, base] as const))(
    "%s: unknown and prototype keys next to valid fields",
    async (_name, base) => {
      const key = fc.constantFrom(
        "__proto__",
        "constructor",
        "prototype",
        "toString",
        "hasOwnProperty",
        "valueOf",
        "status",
        "id",
        "role",
        "createdBy",
        "version",
      );
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...base.fields.filter((field) => field.length === 1)),
          key,
          nastyValue,
          async (field, extraKey, nasty) => {
            // The extra key sits beside the field; a raw "__proto__" JSON key is an own property, as JSON.parse makes it.
            const valueText =
              "raw" in nasty
                ? RAW_VALUES[nasty.raw]!
                : jsonText("value" in nasty ? nasty.value : "special" in nasty ? SPECIAL_VALUES[nasty.special]!() : 1);
            const encoded = encode(base.make());
            // A replacer function: the value text may hold "$&"-like patterns that a replacement string would expand.
            const body = encoded.replace(/^\{"json":\{/, () => `{"json":{${JSON.stringify(extraKey)}:${valueText},`);
            expect(body, "the splice must have happened").not.toBe(encoded);
            expect(() => JSON.parse(body), body).not.toThrow();
            await expectContract(
              { path: base.path, who: "admin", body, label: `extra key ${extraKey} at ${field.join(".")}` },
              expectedFor(base.path, "admin"),
            );
          },
        ),
        { numRuns: 40 },
      );
    },
  );
});

// Codes are judged per code (INVALID_FORMAT / NOT_FOUND in `rejected`), never as a 400.
const codeString = fc.oneof(
  fc.string({ unit: weirdChar, maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 256 }),
  fc.stringMatching(/^[ A-Za-z0-9-]{0,40}$/),
  fc.constantFrom(
    "",
    " ",
    "ABC",
    "----",
    "A-B-C",
    "A".repeat(33),
    "A".repeat(256),
    "ＳＵＭＭＥＲ２０",
    "SUMMER\u200B20",
    "\u202E02REMMUS",
    "AB\u0000CD",
  ),
);

type QuoteAnswer = {
  subtotal: number;
  discountTotal: number;
  shippingDiscount: number;
  total: number;
  applied: unknown[];
  rejected: Array<{ code: unknown; reason: unknown; message: unknown }>;
};

/** Drops well-formed codes that happen to exist (other fuzz cases may create "TOSTRING"): those are not bad codes. */
async function unknownCodesOnly(entered: string[]): Promise<string[]> {
  const keys = [
    ...new Set(
      entered.flatMap((raw) => {
        const p = parseCode(raw);
        return p.ok ? [p.key] : [];
      }),
    ),
  ];
  const existing = new Set(
    (
      await findCodesByLookupHashes(
        getDb(),
        keys.map((key) => hashCodeForLookup(key)),
      )
    ).map((row) => row.lookupHash.toString("hex")),
  );
  return entered.filter((raw) => {
    const p = parseCode(raw);
    return !p.ok || !existing.has(hashCodeForLookup(p.key).toString("hex"));
  });
}

function expectCodesRejectedOneByOne(entered: string[], answer: Answer): void {
  const quote = resultOf<QuoteAnswer>(answer);
  const context = JSON.stringify({ entered, quote });
  expect(quote.rejected, context).toHaveLength(entered.length);
  entered.forEach((raw, index) => {
    const p = parseCode(raw);
    const rejected = quote.rejected[index]!;
    const reason = p.ok ? "NOT_FOUND" : "INVALID_FORMAT";
    expect(rejected.reason, context).toBe(reason);
    expect(rejected.message, context).toBe(REASON_MESSAGES[reason]);
    // Never an echo of a huge input.
    expect(typeof rejected.code === "string" && rejected.code.length <= 64, context).toBe(true);
    if (p.ok) expect(rejected.code, context).toBe(p.code);
  });
  expect(quote.applied, context).toEqual([]);
  expect(quote, context).toMatchObject({
    subtotal: VALID_CART_SUBTOTAL,
    discountTotal: 0,
    shippingDiscount: 0,
    total: VALID_CART_SUBTOTAL + 500,
  });
}

describe("checkout.validate judges fuzzed codes per code", () => {
  it("anonymous, a fresh IP per call: 200 with every bad code rejected as INVALID_FORMAT or NOT_FOUND", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(codeString, { maxLength: 20 }), async (generated) => {
        const entered = await unknownCodesOnly(generated);
        const answer = await expectContract(
          {
            path: "checkout.validate",
            who: "anon",
            body: encode({ codes: entered, cart: validCart() }),
            label: "codes",
          },
          { statuses: [200], inputError: true },
        );
        expectCodesRejectedOneByOne(entered, answer);
      }),
      { numRuns: 250 },
    );
  });

  it("as a shopper: 200 with the same per-code reasons, or 429 once the per-user limit is spent", async () => {
    let limited = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(codeString, { minLength: 1, maxLength: 20 }), async (generated) => {
        const entered = await unknownCodesOnly(generated);
        fc.pre(entered.length > 0);
        const answer = await expectContract(
          {
            path: "checkout.validate",
            who: "shopper",
            body: encode({ codes: entered, cart: validCart() }),
            label: "shopper codes",
          },
          { statuses: [200, 429], inputError: true },
        );
        if (answer.status === 429) limited += 1;
        else expectCodesRejectedOneByOne(entered, answer);
      }),
      { numRuns: 30 },
    );
    // 10 failed codes per user per window: 30 calls with at least one bad code each must hit it.
    expect(limited).toBeGreaterThan(0);
  });

  it("one IP guessing: 200, 200, then 429 RATE_LIMITED (a 4xx with a clear message)", async () => {
    const ip = freshIp();
    // 15 + 15 spend the 30 of the window; the third call is refused before any of its codes is judged.
    const guesses = Array.from({ length: 15 }, (_, i) => `NOPE${RUN}${i}`);
    const call: Call = {
      path: "checkout.validate",
      who: "anon",
      ip,
      body: encode({ codes: guesses, cart: validCart() }),
      label: "same ip",
    };
    expectCodesRejectedOneByOne(guesses, await expectContract(call, { statuses: [200], inputError: true }));
    expectCodesRejectedOneByOne(guesses, await expectContract(call, { statuses: [200], inputError: true }));
    await expectContract(call, { statuses: [429], inputError: true });
  });
});

// ---------------------------------------------------------------------------------------------
// Named cases: each one of the brief's edge inputs with its exact answer
// ---------------------------------------------------------------------------------------------

type Case = {
  name: string;
  path: Path;
  who?: Who;
  body: string;
  statuses: number[];
  method?: Method;
  contentType?: string | null;
};

const cart = (patch: Record<string, unknown>) => ({ ...validCart(), ...patch });
const item = (patch: Record<string, unknown>) => ({
  productId: "espresso-beans",
  categoryIds: ["coffee"],
  unitPrice: 2450,
  quantity: 1,
  ...patch,
});
const validate = (name: string, input: unknown, statuses: number[]): Case => ({
  name,
  path: "checkout.validate",
  who: "anon",
  body: encode(input),
  statuses,
});
const validateCart = (name: string, cartValue: unknown, statuses: number[]) =>
  validate(name, { codes: [], cart: cartValue }, statuses);
const validateItem = (name: string, patch: Record<string, unknown>, statuses: number[]) =>
  validateCart(name, cart({ items: [item(patch)] }), statuses);
const couponCreate = (name: string, patch: Record<string, unknown>, statuses: number[]): Case => ({
  name,
  path: "admin.coupons.create",
  who: "admin",
  body: encode({ name: "Fuzz case", kind: "PERCENT", value: 1_000, status: "DISABLED", ...patch }),
  statuses,
});
const codeCreate = (name: string, patch: () => Record<string, unknown>, statuses: number[]): Case => ({
  name,
  path: "admin.codes.create",
  who: "admin",
  // Built when the case runs: the target coupon only exists after beforeAll.
  get body() {
    return encode({ couponId: targetCouponId, kind: "SHARED", code: freshCode(), ...patch() });
  },
  statuses,
});
const superjsonNumber = (placeholderPath: string, json: unknown, value: "NaN" | "Infinity" | "-Infinity" | "-0") =>
  JSON.stringify({ json, meta: { values: { [placeholderPath]: ["number"] } } }).replace(
    '"__V__"',
    JSON.stringify(value),
  );

const NAMED_CASES: Case[] = [
  // checkout.validate: codes
  validate("1000 codes", { codes: Array.from({ length: 1_000 }, (_, i) => `CODE${i}`), cart: validCart() }, [400]),
  validate("21 codes", { codes: Array.from({ length: 21 }, (_, i) => `CODE${i}`), cart: validCart() }, [400]),
  validate("a 100k-character code", { codes: [HUGE], cart: validCart() }, [400]),
  validate("a 257-character code", { codes: ["A".repeat(257)], cart: validCart() }, [400]),
  validate("codes as a string", { codes: "SUMMER20", cart: validCart() }, [400]),
  validate("codes with a number", { codes: [20], cart: validCart() }, [400]),
  validate("codes with null", { codes: [null], cart: validCart() }, [400]),
  validate("codes missing", { cart: validCart() }, [400]),
  // checkout.validate: cart
  validateCart(
    "501 cart items",
    cart({ items: Array.from({ length: 501 }, (_, i) => item({ productId: `p${i}` })) }),
    [400],
  ),
  validateCart(
    "10k cart items",
    cart({ items: Array.from({ length: 10_000 }, (_, i) => item({ productId: `p${i}` })) }),
    [400],
  ),
  validateCart(
    "500 cart items",
    cart({ items: Array.from({ length: 500 }, (_, i) => item({ productId: `p${i}`, unitPrice: 1 })) }),
    [200],
  ),
  validateCart("no items", cart({ items: [] }), [400]),
  validateItem("quantity 0", { quantity: 0 }, [400]),
  validateItem("quantity 10001", { quantity: 10_001 }, [400]),
  validateItem("quantity 10000", { quantity: 10_000 }, [200]),
  validateItem("quantity 1.5", { quantity: 1.5 }, [400]),
  validateItem("quantity -1", { quantity: -1 }, [400]),
  validateItem("quantity as a string", { quantity: "1" }, [400]),
  validateItem("quantity NaN (superjson)", { quantity: Number.NaN }, [400]),
  validateItem("quantity Infinity (superjson)", { quantity: Number.POSITIVE_INFINITY }, [400]),
  validateItem("quantity 1e308", { quantity: 1e308 }, [400]),
  validateItem("unitPrice -1", { unitPrice: -1 }, [400]),
  validateItem("unitPrice -0 (superjson)", { unitPrice: -0 }, [200]),
  validateItem("unitPrice 0.5", { unitPrice: 0.5 }, [400]),
  validateItem("unitPrice 1e308", { unitPrice: 1e308 }, [400]),
  validateItem("unitPrice NaN (superjson)", { unitPrice: Number.NaN }, [400]),
  validateItem("unitPrice -Infinity (superjson)", { unitPrice: Number.NEGATIVE_INFINITY }, [400]),
  validateItem("unitPrice as a string", { unitPrice: "2450" }, [400]),
  validateItem("unitPrice as a bigint (superjson)", { unitPrice: 2450n }, [400]),
  validateItem("unitPrice above the money cap", { unitPrice: MAX_MONEY_MINOR + 1 }, [400]),
  validateItem("line amount above the money cap", { unitPrice: MAX_MONEY_MINOR, quantity: 2 }, [400]),
  validateCart(
    "cart total above the money cap",
    cart({ items: [item({ unitPrice: MAX_MONEY_MINOR })], shipping: 1 }),
    [400],
  ),
  validateCart("shipping -1", cart({ shipping: -1 }), [400]),
  validateCart("shipping 4.99", cart({ shipping: 4.99 }), [400]),
  validateCart("shipping Infinity (superjson)", cart({ shipping: Number.POSITIVE_INFINITY }), [400]),
  ...["usd", "US", "USDX", "€", "", " USD", "USD\u0000", "840", "ＵＳＤ"].map((currency) =>
    validateCart(`currency ${JSON.stringify(currency)}`, cart({ currency }), [400]),
  ),
  validateCart("currency 840 as a number", cart({ currency: 840 }), [400]),
  validateCart("currency missing", cart({ currency: undefined }), [400]),
  validateCart("channel WEB", cart({ channel: "WEB" }), [400]),
  validateItem("empty productId", { productId: "" }, [400]),
  validateItem("129-character productId", { productId: "p".repeat(129) }, [400]),
  // Not stored, so either answer is fine; never a 500.
  validateItem("productId with a null byte", { productId: "a\u0000b" }, [200, 400]),
  ...["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf"].map((productId) =>
    validateCart(
      `productId ${productId} (twice)`,
      cart({ items: [item({ productId }), item({ productId, categoryIds: [productId] })] }),
      [200],
    ),
  ),
  validateItem("51 categories", { categoryIds: Array.from({ length: 51 }, (_, i) => `c${i}`) }, [400]),
  validateItem("categoryIds as a string", { categoryIds: "coffee" }, [400]),
  validate(
    "customer email not an email",
    { codes: [], cart: validCart(), customer: { id: "c", email: "nope" } },
    [400],
  ),
  validate(
    "customer previousOrders -1",
    { codes: [], cart: validCart(), customer: { id: "c", previousOrders: -1 } },
    [400],
  ),
  validate("customer as an array", { codes: [], cart: validCart(), customer: [] }, [400]),
  validate("input as a Map (superjson)", new Map([["codes", []]]), [400]),
  validate("input as a Date (superjson)", new Date(0), [400]),
  {
    name: "unitPrice NaN via a hand-written superjson meta",
    path: "checkout.validate",
    who: "anon",
    body: superjsonNumber(
      "cart.items.0.unitPrice",
      { codes: [], cart: cart({ items: [item({ unitPrice: "__V__" })] }) },
      "NaN",
    ),
    statuses: [400],
  },
  {
    name: "quantity -0 via a hand-written superjson meta",
    path: "checkout.validate",
    who: "anon",
    body: superjsonNumber(
      "cart.items.0.quantity",
      { codes: [], cart: cart({ items: [item({ quantity: "__V__" })] }) },
      "-0",
    ),
    statuses: [400],
  },

  // admin.coupons.create
  couponCreate("name empty", { name: "" }, [400]),
  couponCreate("name blank", { name: "   " }, [400]),
  couponCreate("name 201 characters", { name: "n".repeat(201) }, [400]),
  couponCreate("name 100k characters", { name: HUGE }, [400]),
  couponCreate("name with a null byte", { name: "Summer\u0000sale" }, [400]),
  couponCreate("description with a null byte", { description: "a\u0000b" }, [400]),
  couponCreate("internal notes with a null byte", { internalNotes: "\u0000" }, [400]),
  couponCreate("name with emoji, RTL and zero-width characters", { name: "🎉 \u202Esale\u200B" }, [200]),
  couponCreate("description 2001 characters", { description: "d".repeat(2_001) }, [400]),
  couponCreate("kind lower case", { kind: "percent" }, [400]),
  couponCreate("kind missing", { kind: undefined }, [400]),
  couponCreate("percent value 0", { value: 0 }, [400]),
  couponCreate("percent value 10001", { value: 10_001 }, [400]),
  couponCreate("percent value 12.5", { value: 12.5 }, [400]),
  couponCreate("percent value NaN (superjson)", { value: Number.NaN }, [400]),
  couponCreate("percent value -0 (superjson)", { value: -0 }, [400]),
  couponCreate("percent value as a string", { value: "1000" }, [400]),
  couponCreate("fixed value -500", { kind: "FIXED", value: -500, currency: "USD" }, [400]),
  couponCreate("fixed value 4.99", { kind: "FIXED", value: 4.99, currency: "USD" }, [400]),
  couponCreate("fixed value 1e308", { kind: "FIXED", value: 1e308, currency: "USD" }, [400]),
  couponCreate(
    "fixed value above the money cap",
    { kind: "FIXED", value: MAX_MONEY_MINOR + 1, currency: "USD" },
    [400],
  ),
  couponCreate("fixed without currency", { kind: "FIXED", value: 500 }, [400]),
  couponCreate("fixed currency usd", { kind: "FIXED", value: 500, currency: "usd" }, [400]),
  couponCreate("free shipping with a value", { kind: "FREE_SHIPPING", value: 5 }, [400]),
  couponCreate("maxDiscount -1", { maxDiscount: -1, currency: "USD" }, [400]),
  couponCreate("maxDiscount without currency", { maxDiscount: 100 }, [400]),
  couponCreate("maxRedemptions 0", { maxRedemptions: 0 }, [400]),
  couponCreate("maxRedemptions 1.5", { maxRedemptions: 1.5 }, [400]),
  couponCreate("maxRedemptions 2^31 (above a Postgres integer)", { maxRedemptions: 2 ** 31 }, [400]),
  couponCreate("maxRedemptionsPerUser 2^31 (above a Postgres integer)", { maxRedemptionsPerUser: 2 ** 31 }, [400]),
  couponCreate("budget 0", { budget: 0, currency: "USD" }, [400]),
  couponCreate("priority 1001", { priority: 1_001 }, [400]),
  couponCreate("status DELETED", { status: "DELETED" }, [400]),
  couponCreate("stacking lower case", { stacking: "exclusive" }, [400]),
  couponCreate(
    "validFrom after validUntil",
    { validFrom: new Date("2030-01-01T00:00:00Z"), validUntil: new Date("2029-01-01T00:00:00Z") },
    [400],
  ),
  couponCreate("validUntil not a date", { validUntil: "next tuesday" }, [400]),
  couponCreate("validUntil without a time zone", { validUntil: "2030-01-01T00:00:00" }, [400]),
  couponCreate("validUntil as a number", { validUntil: 1_900_000_000_000 }, [400]),
  couponCreate(
    "validFrom at the last JS date (the default expiry lies beyond it)",
    { validFrom: new Date(8.64e15) },
    [400],
  ),
  couponCreate("validUntil at the first JS date (before Postgres' range)", { validUntil: new Date(-8.64e15) }, [400]),
  couponCreate("validUntil at the last JS date", { validUntil: new Date(8.64e15) }, [200, 400]),
  couponCreate("validUntil in the year 10000", { validUntil: new Date("+010000-01-01T00:00:00Z") }, [200, 400]),
  couponCreate("validUntil in the year 0 (ISO string)", { validUntil: "0000-01-01T00:00:00Z" }, [200, 400]),
  couponCreate("validFrom in the year 1 (ISO string)", { validFrom: "0001-01-01T00:00:00Z" }, [200, 400]),
  {
    name: "validUntil an invalid Date via a hand-written superjson meta",
    path: "admin.coupons.create",
    who: "admin",
    body: JSON.stringify({
      json: { name: "x", kind: "PERCENT", value: 10, validUntil: "garbage" },
      meta: { values: { validUntil: ["Date"] } },
    }),
    statuses: [400],
  },
  couponCreate("productIds 1001", { productIds: Array.from({ length: 1_001 }, (_, i) => `p${i}`) }, [400]),
  couponCreate("productIds 10k", { productIds: Array.from({ length: 10_000 }, (_, i) => `p${i}`) }, [400]),
  couponCreate("productIds with a null byte", { productIds: ["a\u0000b"] }, [400]),
  couponCreate("productIds __proto__ and constructor", { productIds: ["__proto__", "constructor"] }, [200]),
  couponCreate("email domain with @", { allowedEmailDomains: ["@shop.test"] }, [400]),
  couponCreate("5 channels", { channels: ["web", "app", "pos", "partner", "web"] }, [400]),
  couponCreate("channel email", { channels: ["email"] }, [400]),
  couponCreate("firstOrderOnly as a string", { firstOrderOnly: "true" }, [400]),

  // admin.coupons.get
  ...[
    ["not a uuid", "x"],
    ["empty id", ""],
    ["100k id", HUGE],
    ["uuid with a null byte", "00000000-0000-4000-8000-00000000000\u0000"],
  ].map(([name, id]): Case => ({
    name: `get: ${name}`,
    path: "admin.coupons.get",
    who: "viewer",
    body: encode({ id }),
    statuses: [400],
  })),
  {
    name: "get: unknown uuid",
    path: "admin.coupons.get",
    who: "viewer",
    body: encode({ id: "6f1c2a9e-3b4d-4c5e-8f70-1a2b3c4d5e6f" }),
    statuses: [404],
  },
  { name: "get: no input", path: "admin.coupons.get", who: "viewer", body: encode(undefined), statuses: [400] },
  {
    name: "get: as POST",
    path: "admin.coupons.get",
    who: "viewer",
    method: "POST",
    body: encode({ id: "x" }),
    statuses: [405],
  },
  {
    name: "create: as GET",
    path: "admin.coupons.create",
    who: "admin",
    method: "GET",
    body: encode({}),
    statuses: [405],
  },

  // admin.codes.create
  codeCreate("couponId not a uuid", () => ({ couponId: "abc" }), [400]),
  codeCreate("unknown couponId", () => ({ couponId: "6f1c2a9e-3b4d-4c5e-8f70-1a2b3c4d5e6f" }), [404]),
  codeCreate("kind lower case", () => ({ kind: "shared" }), [400]),
  codeCreate("SHARED without a code", () => ({ code: undefined }), [400]),
  codeCreate("code empty", () => ({ code: "" }), [400]),
  codeCreate("code too short", () => ({ code: "AB" }), [400]),
  codeCreate("code of emoji", () => ({ code: "🎉🎉🎉🎉" }), [400]),
  codeCreate("code with a null byte", () => ({ code: "AB\u0000CD" }), [400]),
  codeCreate("code with zero-width characters", () => ({ code: "SUM\u200BMER" }), [400]),
  codeCreate("code with an RTL mark", () => ({ code: "\u202ESUMMER" }), [400]),
  codeCreate("code 257 characters", () => ({ code: "A".repeat(257) }), [400]),
  codeCreate("code 100k characters", () => ({ code: HUGE }), [400]),
  codeCreate("code that exists", () => ({ code: targetCode.toLowerCase() }), [409]),
  codeCreate("maxRedemptions 0", () => ({ maxRedemptions: 0 }), [400]),
  codeCreate("maxRedemptions 2^31 (above a Postgres integer)", () => ({ maxRedemptions: 2 ** 31 }), [400]),
  codeCreate("maxRedemptions 1.5", () => ({ maxRedemptions: 1.5 }), [400]),
  codeCreate("assignedUserId not a uuid", () => ({ assignedUserId: "alice" }), [400]),
  codeCreate(
    "assignedUserId of no user",
    () => ({ assignedUserId: "6f1c2a9e-3b4d-4c5e-8f70-1a2b3c4d5e6f" }),
    [400, 404, 422],
  ),
];

// Bodies that are not (well-formed) superjson, per procedure.
const RAW_BODIES: Array<[string, string, number[]]> = [
  ["malformed JSON", "{not json", [400]],
  ["truncated JSON", '{"json":{"codes":["SUMMER20"],"cart":{"currency":"US', [400]],
  ["empty body", "", [400]],
  ["whitespace body", "   ", [400]],
  ["JSON array instead of an object", '[{"json":{}}]', [400]],
  ["JSON null", "null", [400]],
  ["JSON number", "42", [400]],
  ["JSON string", '"hello"', [400]],
  ["valid JSON, not superjson-shaped", JSON.stringify({ codes: [], cart: validCart() }), [400]],
  ['{"json": []}', '{"json":[]}', [400]],
  ["meta is a number", '{"json":{"codes":[]},"meta":5}', [400]],
  ["meta with an unknown type", '{"json":{"codes":"x"},"meta":{"values":{"codes":["bogus"]}}}', [400]],
  ["meta path that does not exist", '{"json":{},"meta":{"values":{"a.b.c":["Date"]}}}', [400]],
  ["meta path through __proto__", '{"json":{"a":"1"},"meta":{"values":{"__proto__.polluted":["number"]}}}', [400]],
  [
    "meta path constructor.prototype",
    '{"json":{"a":"1"},"meta":{"values":{"constructor.prototype.polluted":["number"]}}}',
    [400],
  ],
  ["meta referential equalities garbage", '{"json":{"a":{}},"meta":{"referentialEqualities":{"a":["x.y.z"]}}}', [400]],
  ["deeply nested arrays (10k)", `{"json":${deepArray(10_000)}}`, [400]],
  ["deeply nested objects (5k)", `{"json":${deepObject(5_000)}}`, [400]],
  ["deeply nested JSON with no json key (20k)", deepArray(20_000), [400]],
  [
    "2 MB body",
    JSON.stringify({ json: { codes: [], cart: validCart(), pad: "p".repeat(2 * 1024 * 1024) } }),
    [200, 400, 413],
  ],
  [
    "2 MB code string",
    JSON.stringify({ json: { codes: ["A".repeat(2 * 1024 * 1024)], cart: validCart() } }),
    [400, 413],
  ],
  ["invalid UTF-8 escapes", '{"json":{"codes":["\\ud800\\udc00\\udfff"],"cart":{}}}', [400]],
];

describe("named edge inputs", () => {
  it.each(NAMED_CASES)("$path $name -> $statuses", async (testCase) => {
    const who = testCase.who ?? "admin";
    const expectation = expectedFor(testCase.path, who);
    await expectContract(
      { path: testCase.path, who, body: testCase.body, method: testCase.method, label: testCase.name },
      { ...expectation, statuses: testCase.statuses },
    );
  });

  const rawCases = PATHS.flatMap((path) =>
    RAW_BODIES.map(([name, body, statuses]) => ({
      name,
      path,
      body,
      // The 2 MB body with a valid validate input is valid; elsewhere it is one more bad input.
      statuses:
        path === "checkout.validate"
          ? statuses
          : statuses.filter((status) => status !== 200).concat(path === "admin.coupons.get" ? [404] : []),
    })),
  );
  it.each(rawCases)("$path raw body: $name", async ({ path, name, body, statuses }) => {
    const who: Who = path === "checkout.validate" ? "anon" : path === "admin.coupons.get" ? "viewer" : "admin";
    await expectContract({ path, who, body, label: `raw ${name}` }, { statuses, inputError: false });
  });

  const contentTypes: Array<[string | null, number[]]> = [
    ["text/plain", [415]],
    ["application/x-www-form-urlencoded", [415]],
    ["multipart/form-data", [400, 415]],
    ["multipart/form-data; boundary=x", [400, 415]],
    ["application/octet-stream", [400, 415]],
    // The adapter reads every JSON body as UTF-8; this one is UTF-8, so it is a valid request.
    ["application/json; charset=utf-16", [200, 400, 415]],
    ["application/xml", [415]],
    [null, [415]],
  ];
  it.each(contentTypes)("checkout.validate with content-type %s", async (contentType, statuses) => {
    await expectContract(
      {
        path: "checkout.validate",
        who: "anon",
        contentType,
        body: encode({ codes: [], cart: validCart() }),
        label: "content-type",
      },
      { statuses },
    );
  });
  it.each(contentTypes)("admin.coupons.create with content-type %s", async (contentType, statuses) => {
    await expectContract(
      {
        path: "admin.coupons.create",
        who: "admin",
        contentType,
        body: encode({ name: "x", kind: "PERCENT", value: 10, status: "DISABLED" }),
        label: "content-type",
      },
      { statuses },
    );
  });
});

describe("auth comes before input, and never answers 5xx", () => {
  const validBodies = (): Record<Path, string> => ({
    "checkout.validate": encode({ codes: [], cart: validCart() }),
    "admin.coupons.create": encode({ name: `Fuzz auth ${RUN}`, kind: "FREE_SHIPPING", status: "DISABLED" }),
    "admin.coupons.get": encode({ id: targetCouponId }),
    "admin.codes.create": encode({ couponId: targetCouponId, kind: "UNIQUE" }),
  });
  const EXACT: Record<Path, Record<Who, number>> = {
    "checkout.validate": { anon: 200, shopper: 200, viewer: 200, admin: 200 },
    "admin.coupons.create": { anon: 401, shopper: 403, viewer: 403, admin: 200 },
    "admin.coupons.get": { anon: 401, shopper: 403, viewer: 200, admin: 200 },
    "admin.codes.create": { anon: 401, shopper: 403, viewer: 403, admin: 200 },
  };
  const matrix = PATHS.flatMap((path) => WHO.map((who) => ({ path, who, status: EXACT[path][who] })));

  it.each(matrix)("$path as $who with a valid input -> $status", async ({ path, who, status }) => {
    // A signed-in caller's failed codes earlier in this file may have spent its per-user limit: 429, not 401/403.
    const statuses = path === "checkout.validate" && who !== "anon" ? [status, 429] : [status];
    await expectContract(
      { path, who, body: validBodies()[path], label: "auth valid" },
      { ...expectedFor(path, who), statuses },
    );
  });

  it.each(matrix.filter(({ status }) => status === 401 || status === 403))(
    "$path as $who with a malformed body -> $status",
    async ({ path, who, status }) => {
      await expectContract({ path, who, body: "{not json", label: "auth malformed" }, { statuses: [status] });
    },
  );
});

// ---------------------------------------------------------------------------------------------
// Every procedure and every REST route
// ---------------------------------------------------------------------------------------------

const ANY_CLIENT_STATUS = [200, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429] as const;
type ProcedureRecord = Record<string, { _def: { type: "query" | "mutation" | "subscription" } }>;
const EVERY_PROCEDURE = Object.entries(appRouter._def.procedures as unknown as ProcedureRecord);

describe("every procedure: fuzzed whole inputs answer 2xx or a clear 4xx, never 5xx", () => {
  // The four above are fuzzed in depth (and may create rows); the rest get whole-input fuzzing here.
  const others = EVERY_PROCEDURE.filter(([path]) => !(path in METHOD_OF));

  it("covers every procedure of the router", () => {
    expect(others.length + PATHS.length).toBe(EVERY_PROCEDURE.length);
    expect(EVERY_PROCEDURE.length).toBeGreaterThan(30);
  });

  it.each(others)("%s", async (path, procedure) => {
    const method = procedure._def.type === "query" ? "GET" : "POST";
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<Who>("anon", "shopper", "admin"), nastyValue, async (who, nasty) => {
        const body = wholeBody(nasty);
        requests += 1;
        const answer = await callTrpcHttp(path, { session: sessionOf(who), rawBody: body, method, ip: freshIp() });
        const problems = problemsOf(answer, { statuses: ANY_CLIENT_STATUS, inputError: true });
        if (problems.length > 0) {
          findings.push({
            call: `${who} ${method} ${path} body=${clip(body, 400)}`,
            status: answer.status,
            problems,
            body: clip(JSON.stringify(answer.body), 1_500),
          });
          throw new Error(
            `${problems.join("; ")}\n  request: ${who} ${method} ${path} ${clip(body, 400)}\n  answer ${answer.status}: ${clip(JSON.stringify(answer.body), 1_500)}`,
          );
        }
      }),
      { numRuns: 30 },
    );
  });
});

describe("every REST route: fuzzed bodies, queries and path parameters answer 2xx or API.md's 4xx, never 5xx", () => {
  let key = "";
  beforeAll(async () => {
    key = await makeKey(["checkout", "admin:read", "admin:write"]);
  });

  /** Why a REST answer breaks the contract (API.md: `{ error: { code, reason?, message, details? } }`). */
  function restProblems(answer: RestAnswer): string[] {
    const problems: string[] = [];
    if (!(ANY_CLIENT_STATUS as readonly number[]).includes(answer.status)) problems.push(`status ${answer.status}`);
    if (answer.headers.get("content-type") !== "application/json") problems.push("not JSON");
    if (answer.status < 400) return problems;
    const error = isRecord(answer.body) && isRecord(answer.body.error) ? answer.body.error : undefined;
    if (!error) return [...problems, "no error object"];
    if (typeof error.code !== "string" || HTTP_OF_CODE[error.code] !== answer.status)
      problems.push(`code ${String(error.code)} does not map to ${answer.status}`);
    if (typeof error.message !== "string" || error.message.trim() === "" || UNCLEAR_MESSAGE.test(error.message))
      problems.push(`unclear message ${JSON.stringify(error.message)}`);
    if (answer.status === 429 && error.reason !== "RATE_LIMITED") problems.push("429 without RATE_LIMITED");
    return problems;
  }

  // A path parameter: a UUID, any text (sent encoded), or raw bytes no decoder accepts (sent as they are).
  const segment = fc.oneof(
    fc.uuid(),
    fc
      .string({ unit: weirdChar, minLength: 1, maxLength: 40 })
      // A lone surrogate has no UTF-8 form: such text goes as its raw bytes' nearest, "%ED%A0%80".
      .map((text) => {
        try {
          return encodeURIComponent(text);
        } catch {
          return "%ED%A0%80";
        }
      }),
    fc.constantFrom("%", "%E0%A4%A", "%FF", "%00", "%C0%AF", "..", "%2F", "%252F"),
  );
  const query = fc.dictionary(
    fc.constantFrom("search", "status", "kind", "window", "sort", "direction", "cursor", "limit", "__proto__", "x"),
    fc.oneof(fc.string({ unit: weirdChar, maxLength: 30 }), fc.integer().map(String), fc.constant("")),
  );

  it.each(restRoutes().map((route) => [`${route.method} ${route.path}`, route] as const))(
    "%s",
    async (_name, route) => {
      await fc.assert(
        fc.asyncProperty(segment, nastyValue, query, async (param, nasty, params) => {
          const path = route.path.replace(/\{\w+\}/g, () => param);
          const body =
            "raw" in nasty
              ? RAW_VALUES[nasty.raw]!
              : "delete" in nasty
                ? ""
                : jsonText("special" in nasty ? SPECIAL_VALUES[nasty.special]!() : nasty.value);
          const search = new URLSearchParams(params as Record<string, string>).toString();
          requests += 1;
          const answer =
            route.method === "GET"
              ? await rest("GET", `${path}${search ? `?${search}` : ""}`, { key, ip: freshIp() })
              : await rest(route.method, path, { key, rawBody: body, ip: freshIp() });
          const problems = restProblems(answer);
          if (problems.length > 0) {
            findings.push({
              call: `REST ${route.method} ${path} body=${clip(body, 400)}`,
              status: answer.status,
              problems,
              body: clip(JSON.stringify(answer.body), 1_500),
            });
            throw new Error(
              `${problems.join("; ")}\n  request: ${route.method} ${path}?${search} ${clip(body, 400)}\n  answer ${answer.status}: ${clip(JSON.stringify(answer.body), 1_500)}`,
            );
          }
        }),
        { numRuns: 40 },
      );
    },
  );

  it.each(Object.entries(RAW_VALUES))("POST /checkout/lock raw body %s, with and without a key", async (_name, raw) => {
    for (const withKey of [key, undefined]) {
      const answer = await rest("POST", "/checkout/lock", { key: withKey, rawBody: raw, ip: freshIp() });
      expect(restProblems(answer), JSON.stringify(answer.body)).toEqual([]);
    }
  });
});

describe("bad input changed nothing", () => {
  it("leaves the prototypes alone", () => {
    expect(prototypeKeys()).toEqual(prototypesBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("adds no rows but the ones valid inputs created, and changes no existing row", async () => {
    const after = await footprint();
    expect(after.couponIds).toEqual([...before.couponIds, ...created.coupons].sort());
    expect(after.codeIds).toEqual([...before.codeIds, ...created.codes].sort());
    for (const [id, row] of before.codeRows) expect(after.codeRows.get(id)).toEqual(row);
    expect(after.targetCoupon).toEqual(before.targetCoupon);
    expect(after.actors).toEqual(before.actors);
    const counts = (f: typeof before) => ({
      books: f.books,
      locks: f.locks,
      lockItems: f.lockItems,
      redemptions: f.redemptions,
      users: f.users,
    });
    expect(counts(after)).toEqual(counts(before));
  });
});
