import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const REAPER = fileURLToPath(new URL("orphan-reaper.mjs", import.meta.url));
let reaper: ChildProcess | undefined;

/**
 * Stops `pid` with `signal` if this process ends without stopping it itself: for services started in a
 * process group of their own (out of a terminal's Ctrl-C), which a SIGKILL of this process or of its
 * process group would otherwise leave running. One small detached watcher per process
 * (orphan-reaper.mjs) does it when this process's IPC channel to it closes. Returns the release.
 */
export function stopWithThisProcess(pid: number, signal: NodeJS.Signals): () => void {
  if (!reaper) {
    reaper = fork(REAPER, [], { detached: true, stdio: ["ignore", "ignore", "ignore", "ipc"], execArgv: [] });
    // Neither the watcher nor its channel keeps this process alive.
    reaper.unref();
    reaper.channel?.unref();
  }
  const watcher = reaper;
  watcher.send({ add: { pid, signal } });
  return () => {
    if (watcher.connected) watcher.send({ remove: pid });
  };
}
