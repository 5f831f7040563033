import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { defaultDataDir } from "./tools/data-dir";

// E2E_PORT lets two e2e runs share a machine.
const PORT = Number(process.env.E2E_PORT ?? 3100);
const BASE_URL = `http://127.0.0.1:${PORT}`;
// Out of the project tree, like the dev data (tools/data-dir.ts); one per port.
const DATA_DIR = path.join(defaultDataDir(), `e2e-${PORT}`);

/**
 * e2e against the production build in Debian's chromium (no browser download).
 * The web server runs on its own fresh data dir so tests never touch a
 * developer's database.
 */
export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/e2e",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"], ["html", { outputFolder: "playwright-report", open: "never" }]],
  globalSetup: "./e2e/global-setup.ts",
  use: {
    baseURL: BASE_URL,
    screenshot: "on",
    // Toasts and dialogs appear without a fade, so axe never measures a colour mid-animation.
    reducedMotion: "reduce",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
  webServer: {
    command: `npx tsx tools/run.ts start --port ${PORT} --data-dir ${JSON.stringify(DATA_DIR)} --fresh`,
    url: `${BASE_URL}/api/health`,
    timeout: 420_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    // The e2e server must use its own embedded services, whatever the shell has set.
    // Webhooks may reach the specs' receiver on 127.0.0.1 (refused by default in production).
    env: {
      DATABASE_URL: "",
      UPSTASH_REDIS_REST_URL: "",
      UPSTASH_REDIS_REST_TOKEN: "",
      WEBHOOK_ALLOW_PRIVATE_URLS: "1",
    },
  },
});
