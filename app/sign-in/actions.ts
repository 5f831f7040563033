"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import { signIn } from "@/server/auth";
import { safeCallbackPath } from "@/server/auth/safe-callback-path";

export type SignInState = { error?: string; email?: string };

export async function signInAction(_prev: SignInState, form: FormData): Promise<SignInState> {
  const email = String(form.get("email") ?? "");
  try {
    await signIn("credentials", {
      email,
      password: String(form.get("password") ?? ""),
      // Only same-site paths: a callbackUrl must never send a user to another host.
      redirectTo: safeCallbackPath(form.get("callbackUrl")),
    });
    return {};
  } catch (error) {
    // signIn throws a redirect on success; only auth failures are answered here.
    if (error instanceof CredentialsSignin && error.code === "throttled")
      return { error: "Too many sign-in attempts. Wait a few minutes and try again.", email };
    if (error instanceof AuthError) return { error: "Wrong email or password.", email };
    throw error;
  }
}
