import { eq, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { users } from "../schema";

export async function findUserByEmail(db: Executor, email: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(eq(sql`lower(${users.email})`, email.trim().toLowerCase()))
    .limit(1);
  return user;
}
