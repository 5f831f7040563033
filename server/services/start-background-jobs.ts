import PgBoss from "pg-boss";
import { env } from "@/server/env";
import { CODE_JOBS_QUEUE } from "./enqueue-code-job";
import { failStalledCodeJobs } from "./fail-stalled-code-jobs";
import { reconcileGate } from "./reconcile-gate";
import { refreshAnalytics } from "./refresh-analytics";
import { runCodeJob } from "./run-code-job";
import { startWebhookWorkers } from "./webhooks/start-webhook-workers";

export const RECONCILE_QUEUE = "reconcile-gate";
export const ANALYTICS_QUEUE = "refresh-analytics";
/** How often the dashboard's pre-aggregated tables catch up. */
export const ANALYTICS_INTERVAL_SECONDS = 30;

const globalForJobs = globalThis as unknown as { couponJobs?: Promise<PgBoss> };

/**
 * Starts the pg-boss worker and the reconciliation schedule (once per process).
 * Every instance offers a run each RECONCILE_INTERVAL_SECONDS; pg-boss's
 * singleton window keeps it to one run per interval across instances.
 */
export function startBackgroundJobs(): Promise<PgBoss> {
  globalForJobs.couponJobs ??= (async () => {
    const interval = env().RECONCILE_INTERVAL_SECONDS;
    const boss = new PgBoss({ connectionString: env().DATABASE_URL, schema: "pgboss", max: 2 });
    boss.on("error", (error) => console.error("[jobs] pg-boss:", error));
    await boss.start();
    await boss.createQueue(RECONCILE_QUEUE);
    await boss.work(RECONCILE_QUEUE, async () => {
      const report = await reconcileGate();
      const repairs = report.repaired.length + report.expiredLocks + report.reclaimedLocks;
      if (repairs > 0) console.log("[jobs] reconcile:", JSON.stringify(report));
      const stalled = await failStalledCodeJobs();
      if (stalled.length > 0) console.log("[jobs] bulk jobs whose worker stopped, now FAILED:", stalled.join(", "));
    });
    // Bulk generation and import: one job at a time per process (each is one long transaction).
    await boss.createQueue(CODE_JOBS_QUEUE);
    await boss.work<{ jobId: string }>(CODE_JOBS_QUEUE, { pollingIntervalSeconds: 1, batchSize: 1 }, async ([job]) => {
      if (job) await runCodeJob(job.data.jobId);
    });
    await boss.createQueue(ANALYTICS_QUEUE);
    await boss.work(ANALYTICS_QUEUE, async () => {
      await refreshAnalytics();
    });
    const offerAnalytics = () =>
      boss
        .send(ANALYTICS_QUEUE, {}, { singletonKey: "analytics", singletonSeconds: ANALYTICS_INTERVAL_SECONDS })
        .catch((error) => console.error("[jobs] schedule:", error));
    // Webhooks: the outbox's dispatcher and the delivery workers.
    const stopWebhookDispatch = await startWebhookWorkers(boss);
    await offerAnalytics();
    const analyticsTimer = setInterval(offerAnalytics, ANALYTICS_INTERVAL_SECONDS * 1000).unref();
    const offer = () =>
      boss
        .send(RECONCILE_QUEUE, {}, { singletonKey: "reconcile", singletonSeconds: interval })
        .catch((error) => console.error("[jobs] schedule:", error));
    await offer();
    const reconcileTimer = setInterval(offer, interval * 1000).unref();
    // A stopped boss takes no more jobs: stop offering them.
    boss.once("stopped", () => {
      clearInterval(analyticsTimer);
      clearInterval(reconcileTimer);
      stopWebhookDispatch();
    });
    return boss;
  })();
  return globalForJobs.couponJobs;
}
