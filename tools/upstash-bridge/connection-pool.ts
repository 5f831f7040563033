import type { Redis } from "ioredis";

/**
 * A few Redis connections lent to one transaction at a time. MULTI/EXEC never runs on the shared
 * connection: a transaction in flight there would swallow other requests' commands into its queue.
 * Connections are created lazily up to `max` and reused; a connection whose transaction failed for a
 * transport reason is discarded instead of being returned (its MULTI state is unknown).
 */
export class ConnectionPool {
  private readonly idle: Redis[] = [];
  private readonly waiters: Array<{ resolve: (conn: Redis) => void; reject: (error: Error) => void }> = [];
  private readonly all = new Set<Redis>();
  private closed = false;

  constructor(
    private readonly create: () => Redis,
    private readonly max: number,
  ) {}

  async acquire(): Promise<Redis> {
    if (this.closed) throw new Error("the bridge is closing");
    const conn = this.idle.pop();
    if (conn) return conn;
    if (this.all.size < this.max) return this.spawn();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  release(conn: Redis, healthy: boolean): void {
    if (!healthy || this.closed) {
      this.all.delete(conn);
      conn.disconnect();
      if (this.closed) return;
      const waiter = this.waiters.shift();
      if (waiter) waiter.resolve(this.spawn());
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(conn);
    else this.idle.push(conn);
  }

  async close(quit: (conn: Redis) => Promise<void>): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error("the bridge is closing"));
    const conns = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(conns.map(quit));
  }

  private spawn(): Redis {
    const conn = this.create();
    this.all.add(conn);
    return conn;
  }
}
