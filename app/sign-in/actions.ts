"use server";

import { AuthError } from "next-auth";
import { signIn } from "@/server/auth";

export type SignInState = { error?: string; email?: string };

// Only same-site paths: a callbackUrl must never send a user to another host.
function safeCallback(value: FormDataEntryValue | null): string {
  const path = typeof value === "string" ? value : "";
  return path.startsWith("/") && !path.startsWith("//") ? path : "/";
}

export async function signInAction(_prev: SignInState, form: FormData): Promise<SignInState> {
  const email = String(form.get("email") ?? "");
  try {
    await signIn("credentials", {
      email,
      password: String(form.get("password") ?? ""),
      redirectTo: safeCallback(form.get("callbackUrl")),
    });
    return {};
  } catch (error) {
    // signIn throws a redirect on success; only auth failures are answered here.
    if (error instanceof AuthError) return { error: "Wrong email or password.", email };
    throw error;
  }
}
