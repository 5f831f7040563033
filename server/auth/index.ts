import NextAuth, { CredentialsSignin, type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { env } from "@/server/env";
import { clientAddressFromForwarded } from "@/server/api/client-address";
import { authenticateUser } from "@/server/services/authenticate-user";
import { confirmSessionUser } from "@/server/services/confirm-session-user";
import type { Role } from "./roles";
import { safeCallbackPath } from "./safe-callback-path";

declare module "next-auth" {
  interface Session {
    user: { id: string; role: Role } & DefaultSession["user"];
  }
  interface User {
    role?: Role;
  }
}

/** Too many sign-in attempts for this account or address: the form says so (the code reaches the client). */
export class SignInThrottled extends CredentialsSignin {
  override code = "throttled";
}

const credentialsInput = z.object({
  email: z.email().max(254),
  password: z.string().min(1).max(200),
});

// Lazy config: env() is read at request time, not while `next build` imports this module.
export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: env().AUTH_SECRET,
  trustHost: true,
  session: { strategy: "jwt", maxAge: 8 * 60 * 60 },
  pages: { signIn: "/sign-in" },
  // A wrong password is an answer, not a server error: keep the log for real failures.
  logger: {
    error(error) {
      if (error.name === "CredentialsSignin" || (error as { type?: string }).type === "CredentialsSignin") return;
      console.error("[auth]", error);
    },
  },
  providers: [
    Credentials({
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      // Both ways in (the sign-in form's server action and a POST to /api/auth/callback/credentials) come here.
      authorize: async (raw, request) => {
        const parsed = credentialsInput.safeParse(raw);
        if (!parsed.success) return null;
        const user = await authenticateUser(parsed.data.email, parsed.data.password, {
          ip: clientAddressFromForwarded(request.headers),
        });
        if (user === "throttled") throw new SignInThrottled();
        return user;
      },
    }),
  ],
  callbacks: {
    // Every redirect Auth.js makes (callbackUrl of its own endpoints too) stays on this site.
    redirect({ url, baseUrl }) {
      const path = url.startsWith(baseUrl) ? url.slice(baseUrl.length) || "/" : url;
      return `${baseUrl}${safeCallbackPath(path)}`;
    },
    async jwt({ token, user }) {
      if (user) {
        token.sub = user.id;
        token.role = user.role;
        return token;
      }
      // A role change or a disabled account counts within a minute: null ends the session.
      const access = token.sub ? await confirmSessionUser(token.sub) : null;
      if (!access) return null;
      token.role = access.role;
      return token;
    },
    session({ session, token }) {
      session.user.id = token.sub ?? "";
      session.user.role = (token.role as Role | undefined) ?? "shopper";
      return session;
    },
  },
}));
