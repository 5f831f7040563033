// Next.js calls register() once per server process: start the background jobs there (Node runtime only).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startBackgroundJobs } = await import("@/server/services/start-background-jobs");
  await startBackgroundJobs().catch((error) => console.error("[jobs] could not start:", error));
}
