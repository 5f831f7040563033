import { describe, expect, it } from "vitest";
import { admissionLimit, admitCheckout } from "./admit-checkout";
import { DependencyUnavailableError } from "./errors";

describe("checkout admission", () => {
  it("lets a bounded number of checkouts run; the next waits, and is refused with a 503 before it runs when the line stops moving", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let running = 0;
    let maxRunning = 0;
    const admitted = Array.from({ length: admissionLimit() + 5 }, () =>
      admitCheckout(async () => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await gate;
        running -= 1;
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(maxRunning).toBe(admissionLimit());

    let ran = false;
    const refused = await admitCheckout(
      async () => {
        ran = true;
      },
      { stallMs: 50 },
    ).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DependencyUnavailableError);
    expect(refused).toMatchObject({ retryAfterSeconds: 2 });
    expect(ran).toBe(false);

    // The waiting ones were let in as slots freed: all of them ran.
    release();
    await Promise.all(admitted);
    expect(running).toBe(0);
    expect(await admitCheckout(async () => "in")).toBe("in");
  });

  it("lets waiting checkouts in first come, first served; a refused one takes no place", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const holders = Array.from({ length: admissionLimit() }, () => admitCheckout(() => gate));
    const order: number[] = [];
    const waiters = [0, 1, 2].map((i) => admitCheckout(async () => void order.push(i)));
    const stalled = admitCheckout(async () => order.push(99), { stallMs: 30 }).catch((error: unknown) => error);
    expect(await stalled).toBeInstanceOf(DependencyUnavailableError);
    release();
    await Promise.all([...holders, ...waiters]);
    expect(order).toEqual([0, 1, 2]);

    // Every place is free again: a full set runs at once.
    let running = 0;
    let maxRunning = 0;
    await Promise.all(
      Array.from({ length: admissionLimit() }, () =>
        admitCheckout(async () => {
          running += 1;
          maxRunning = Math.max(maxRunning, running);
          await new Promise((resolve) => setTimeout(resolve, 5));
          running -= 1;
        }),
      ),
    );
    expect(maxRunning).toBe(admissionLimit());
  });

  it("a checkout that throws gives its place back", async () => {
    for (let i = 0; i < admissionLimit() + 3; i += 1) {
      await expect(admitCheckout(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    }
    expect(await admitCheckout(async () => "still in")).toBe("still in");
  });
});
