import { spawn } from "node:child_process";
import { expect, test } from "@playwright/test";
import { ROOT } from "./runner.fixtures";

// Two production servers sharing one Postgres and one Redis (tools/many-instances.ts, on the production
// build the e2e web server made): 2,000 redeems on a limit of 100 across both, then again while
// redis-server is killed and restarted mid-race. No browser needed.

test.describe.configure({ timeout: 600_000 });

type Phase = {
  requests: number;
  limit: number;
  acknowledged: number;
  exhausted: number;
  unanswered: number;
  postgresCount: number;
  lost: number;
  otherAnswers: Record<string, number>;
  redisRestarted: boolean;
  answeredAtKill?: number;
  answeredAtRestart?: number;
};

test("two instances, one Postgres and one Redis: no oversell, and no acknowledged redemption lost when Redis restarts", async () => {
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "tools/many-instances.ts"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    // Its own fresh services, whatever the shell has set.
    env: { ...process.env, DATABASE_URL: "", UPSTASH_REDIS_REST_URL: "", UPSTASH_REDIS_REST_TOKEN: "" },
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));

  const line = output.split("\n").find((l) => l.startsWith("MANY_INSTANCES_REPORT "));
  expect(line, output.slice(-4000)).toBeDefined();
  const report = JSON.parse(line!.slice("MANY_INSTANCES_REPORT ".length)) as { calm: Phase; faulty: Phase };
  console.log(JSON.stringify(report, null, 2));

  const { calm, faulty } = report;
  // Calm: exactly the limit, and Postgres agrees.
  expect(calm.acknowledged).toBe(100);
  expect(calm.postgresCount).toBe(100);
  expect(calm.exhausted).toBe(calm.requests - 100);
  expect(calm.lost).toBe(0);
  expect(calm.unanswered).toBe(0);
  expect(calm.otherAnswers).toEqual({});
  // Redis killed and restarted mid-race: never over the limit; once settled, Postgres holds exactly
  // what the clients were told, and every call has its answer.
  expect(faulty.redisRestarted).toBe(true);
  expect(faulty.acknowledged).toBeLessThanOrEqual(100);
  expect(faulty.postgresCount).toBe(faulty.acknowledged);
  expect(faulty.lost).toBe(0);
  expect(faulty.unanswered).toBe(0);
  expect(code, output.slice(-4000)).toBe(0);
});
