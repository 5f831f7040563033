import type { Redis } from "@upstash/redis";
import { gateGeneration } from "../circuit-breaker";
import { assertCouponId } from "./keys";

/** The caller's gate generation as ARGV: the one given, or this process's current one. */
export async function generationArg(redis: Redis, generation: number | undefined): Promise<string> {
  return intArg("generation", generation ?? (await gateGeneration(redis)));
}

/** Integers the scripts can take as digit strings and still compare exactly (Lua numbers are doubles). */
export function intArg(name: string, value: number, min = 0): string {
  if (!Number.isSafeInteger(value) || value < min)
    throw new Error(`gate: ${name} must be an integer >= ${min}, got ${String(value)}`);
  return String(value);
}

export function limitArg(name: string, value: number | null): string {
  return value === null ? "" : intArg(name, value);
}

export function idArg(name: string, value: string, { allowEmpty = false } = {}): string {
  if (typeof value !== "string" || (!allowEmpty && value.length === 0))
    throw new Error(`gate: ${name} must be a non-empty string`);
  return value;
}

/** Code ids share a hash with their "<codeId>:l" lock counters. */
export function codeIdArg(value: string): string {
  idArg("codeId", value);
  if (value.endsWith(":l")) throw new Error(`gate: codeId must not end with ":l": ${value}`);
  return value;
}

export function assertDistinctCoupons(couponIds: string[]): void {
  couponIds.forEach(assertCouponId);
  if (new Set(couponIds).size !== couponIds.length)
    throw new Error("gate: one item per coupon (a lock holds one code per coupon)");
}
