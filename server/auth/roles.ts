export const ROLES = ["admin", "viewer", "shopper"] as const;
export type Role = (typeof ROLES)[number];

export function isStaff(role: Role | undefined): boolean {
  return role === "admin" || role === "viewer";
}
