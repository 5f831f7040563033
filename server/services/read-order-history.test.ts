import { describe, expect, it } from "vitest";
import { readOrderHistory } from "./read-order-history";

// The counting path (a first-order coupon in the quote) runs on Postgres: orders.int.test.ts.
describe("readOrderHistory", () => {
  const shopper = {
    id: "11111111-1111-4111-8111-111111111111",
    email: "a@shop.test",
    orderHistory: "paid-orders" as const,
  };

  it("leaves a session shopper's previousOrders unknown when no quoted coupon is first-order-only (no query)", async () => {
    // No DATABASE_URL in unit tests: a query here would throw.
    await expect(readOrderHistory(shopper, false)).resolves.toEqual({ id: shopper.id, email: shopper.email });
  });

  it("keeps a customer that is not a session shopper as it is, and null as null", async () => {
    const named = { id: shopper.id, previousOrders: 3 };
    await expect(readOrderHistory(named, true)).resolves.toBe(named);
    await expect(readOrderHistory(null, true)).resolves.toBeNull();
  });
});
