import { z } from "zod";
import { hashPassword } from "@/server/auth/password";
import { ROLES, type Role } from "@/server/auth/roles";
import { type Database } from "@/server/db/client";
import { insertUser } from "@/server/db/queries/users";
import { ConflictError, InvalidInputError } from "./errors";

export const MIN_PASSWORD_LENGTH = 12;

const newUserInput = z.object({
  email: z.email({ error: "must be an email address" }).max(254),
  name: z.string().trim().min(1).max(200),
  role: z.enum(ROLES, { error: `must be one of ${ROLES.join(", ")}` }),
  password: z
    .string()
    .min(MIN_PASSWORD_LENGTH, { error: `must have at least ${MIN_PASSWORD_LENGTH} characters` })
    .max(200, { error: "must have at most 200 characters" }),
});

/** A new account (the first admin of a production database, `npm run user:create`), password hashed with argon2id. */
export async function createUser(
  db: Database,
  input: { email: string; name?: string; role: Role; password: string },
): Promise<{ id: string; email: string; role: Role }> {
  const parsed = newUserInput.safeParse({ ...input, name: input.name ?? input.email.split("@")[0] });
  if (!parsed.success)
    throw new InvalidInputError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  const { password, ...user } = parsed.data;
  const row = await insertUser(db, {
    ...user,
    email: user.email.toLowerCase(),
    passwordHash: await hashPassword(password),
  });
  if (!row) throw new ConflictError(`An account with the email ${user.email} already exists.`);
  return row;
}
