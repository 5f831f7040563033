"use client";

import { createContext, useContext } from "react";

type StaffRole = "admin" | "viewer";
const RoleContext = createContext<StaffRole>("viewer");

/** The signed-in staff role, from the server's session (the server refuses a viewer's changes anyway). */
export function RoleProvider({ role, children }: { role: StaffRole; children: React.ReactNode }) {
  return <RoleContext.Provider value={role}>{children}</RoleContext.Provider>;
}

/** Controls that change data render only when this is true. */
export function useCanEdit(): boolean {
  return useContext(RoleContext) === "admin";
}
