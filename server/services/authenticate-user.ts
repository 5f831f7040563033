import { randomBytes } from "node:crypto";
import { hashPassword, verifyPassword } from "@/server/auth/password";
import type { Role } from "@/server/auth/roles";
import { getDb } from "@/server/db/client";
import { findUserByEmail } from "@/server/db/queries/find-user-by-email";
import { chargeAttempts } from "@/server/redis/rate-limit";

// Verifying against a real hash when the user is unknown keeps response times alike, so emails can't be probed.
let dummyHash: Promise<string> | undefined;

export type AuthenticatedUser = { id: string; email: string; name: string; role: Role };

/**
 * A sign-in attempt: the user, null for wrong credentials (or a disabled account), or "throttled".
 * Order matters: the attempt is charged to the account and to the client address before the
 * database or argon2id is touched, so a flood costs neither; a successful sign-in gives it back.
 */
export async function authenticateUser(
  email: string,
  password: string,
  from: { ip: string },
): Promise<AuthenticatedUser | null | "throttled"> {
  const charge = await chargeAttempts(
    [
      { policy: "signInByAccount", identifier: email.trim().toLowerCase() },
      { policy: "signInByIp", identifier: from.ip },
    ],
    1,
  );
  if (!charge) return "throttled";
  const user = await findUserByEmail(getDb(), email);
  if (!user) {
    dummyHash ??= hashPassword(randomBytes(16).toString("hex"));
    await verifyPassword(await dummyHash, password);
    return null;
  }
  if (!(await verifyPassword(user.passwordHash, password)) || user.disabledAt) return null;
  await charge.refund(1);
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}
