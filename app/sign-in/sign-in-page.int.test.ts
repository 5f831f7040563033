import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterEach, describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS } from "@/server/db/demo-data";
import { env } from "@/server/env";
import SignInPage from "./page";

const seeded = env().SEED_DEMO;
afterEach(() => {
  env().SEED_DEMO = seeded;
});

async function render(seedDemo: boolean): Promise<string> {
  // The flag the runner hands the app: the demo data was seeded into this database (or not).
  env().SEED_DEMO = seedDemo;
  const page = await SignInPage({ searchParams: Promise.resolve({ callbackUrl: "/\\evil.example" }) });
  return renderToStaticMarkup(createElement("div", null, page));
}

describe("/sign-in", () => {
  it("lists the demo accounts and their passwords where they were seeded", async () => {
    const html = await render(true);
    for (const account of DEMO_ACCOUNTS) {
      expect(html).toContain(account.email);
      expect(html).toContain(account.password);
    }
  });

  it("shows no demo account and no password anywhere else (a production database)", async () => {
    const html = await render(false);
    expect(html).toContain("Sign in");
    for (const account of DEMO_ACCOUNTS) {
      expect(html).not.toContain(account.email);
      expect(html).not.toContain(account.password);
    }
  });

  it("hands the form only a same-site callbackUrl", async () => {
    const html = await render(false);
    expect(html).toMatch(/name="callbackUrl" value="\/"/);
    expect(html).not.toContain("evil.example");
  });
});
