import { eq, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { users, type NewUser } from "../schema";

/** What a session needs to stay valid: the account's current role and whether it is disabled. */
export async function findUserAccess(db: Executor, id: string) {
  const [user] = await db
    .select({ id: users.id, role: users.role, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.id, id))
    .limit(1);
  return user;
}

/** Inserts a user; undefined when the email (case-insensitive) is taken. */
export async function insertUser(db: Executor, user: Omit<NewUser, "id" | "createdAt" | "updatedAt">) {
  const [row] = await db
    .insert(users)
    .values(user)
    .onConflictDoNothing()
    .returning({ id: users.id, email: users.email, role: users.role });
  return row;
}

/** Role or disabled flag of an account; the sessions of it follow within a minute. */
export async function updateUserAccess(
  db: Executor,
  email: string,
  change: { role?: NewUser["role"]; disabled?: boolean },
) {
  const [row] = await db
    .update(users)
    .set({
      ...(change.role ? { role: change.role } : {}),
      ...(change.disabled === undefined ? {} : { disabledAt: change.disabled ? sql`now()` : null }),
      updatedAt: sql`now()`,
    })
    .where(eq(sql`lower(${users.email})`, email.trim().toLowerCase()))
    .returning({ id: users.id, email: users.email, role: users.role, disabledAt: users.disabledAt });
  return row;
}
