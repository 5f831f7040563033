import { randomBytes } from "node:crypto";
import { hashPassword, verifyPassword } from "@/server/auth/password";
import type { Role } from "@/server/auth/roles";
import { getDb } from "@/server/db/client";
import { findUserByEmail } from "@/server/db/queries/find-user-by-email";

// Verifying against a real hash when the user is unknown keeps response times alike, so emails can't be probed.
let dummyHash: Promise<string> | undefined;

export async function authenticateUser(
  email: string,
  password: string,
): Promise<{ id: string; email: string; name: string; role: Role } | null> {
  const user = await findUserByEmail(getDb(), email);
  if (!user) {
    dummyHash ??= hashPassword(randomBytes(16).toString("hex"));
    await verifyPassword(await dummyHash, password);
    return null;
  }
  if (!(await verifyPassword(user.passwordHash, password))) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}
