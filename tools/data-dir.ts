import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";

/**
 * Where `npm run dev` / `npm start` keep the local Postgres cluster, the dev secrets and running.json
 * unless --data-dir says otherwise: outside the project tree (no file watcher, formatter or search
 * tool of the project ever sees the database's files change), one folder per checkout (keyed by its
 * path, so two clones never share a database):
 *
 * - $XDG_CACHE_HOME or ~/.cache (Linux), ~/Library/Caches (macOS): couponforge/<folder>-<hash>
 * - as root (CI, containers): /var/tmp/couponforge/<folder>-<hash>, since Postgres then runs as the
 *   postgres OS user, which cannot enter /root; /var/tmp survives reboots, unlike /tmp.
 */
export function defaultDataDir(projectRoot: string = process.cwd()): string {
  const root = path.resolve(projectRoot);
  const key = `${path.basename(root)}-${createHash("sha256").update(root).digest("hex").slice(0, 10)}`;
  return path.join(cacheHome(), "couponforge", key);
}

function cacheHome(): string {
  if (process.getuid?.() === 0) return "/var/tmp";
  if (process.platform === "darwin") return path.join(os.homedir(), "Library", "Caches");
  return process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
}
