// Forked, detached, by tools/orphan-guard.ts: holds the pids of the services its parent started out of the
// terminal's process group (Postgres, redis-server), and when the parent goes without stopping them
// (SIGKILL, a crash, a process-group kill by a test runner), the IPC channel closes and it stops them.
const guarded = new Map();
process.on("message", (message) => {
  if (message?.add) guarded.set(message.add.pid, message.add.signal);
  if (message?.remove) guarded.delete(message.remove);
});
process.on("disconnect", () => {
  for (const [pid, signal] of guarded) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
  process.exit(0);
});
