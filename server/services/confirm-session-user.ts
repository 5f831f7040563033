import { LRUCache } from "lru-cache";
import type { Role } from "@/server/auth/roles";
import { getDb } from "@/server/db/client";
import { findUserAccess } from "@/server/db/queries/users";

/** How long a session may act on an account's role and status as last read (the issue: within one minute). */
export const SESSION_USER_RECHECK_MS = 30_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Access = { role: Role; active: boolean; readAt: number };
const globalForAccess = globalThis as unknown as { couponSessionAccess?: LRUCache<string, Access> };
function cache(): LRUCache<string, Access> {
  globalForAccess.couponSessionAccess ??= new LRUCache<string, Access>({ max: 50_000 });
  return globalForAccess.couponSessionAccess;
}

/**
 * The account behind a session as it is now, at most SESSION_USER_RECHECK_MS old: its current role,
 * or null when it was disabled or deleted. A JWT session carries the role it was signed in with;
 * this makes a role change or a disabled account count within a minute, for pages and the API alike.
 */
export async function confirmSessionUser(userId: string, now = Date.now()): Promise<{ role: Role } | null> {
  // Not an id we issue (a token from elsewhere signed with our secret is still no account of ours).
  if (!UUID.test(userId)) return null;
  let access = cache().get(userId);
  if (!access || now - access.readAt >= SESSION_USER_RECHECK_MS || now < access.readAt) {
    const row = await findUserAccess(getDb(), userId);
    access = { role: row?.role ?? "shopper", active: Boolean(row && !row.disabledAt), readAt: now };
    cache().set(userId, access);
  }
  return access.active ? { role: access.role } : null;
}
