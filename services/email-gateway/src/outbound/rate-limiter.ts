import { sleep } from "../sleep.ts";

/**
 * At most `perMinute` sends in any 60-second window (sliding). `acquire` waits for a free
 * slot; it resolves false when `signal` aborts first.
 */
export class RateLimiter {
  private readonly perMinute: number;
  private readonly sent: number[] = [];
  private readonly now: () => number;
  constructor(perMinute: number, now: () => number = Date.now) {
    this.perMinute = perMinute;
    this.now = now;
  }

  /** Milliseconds until a send is allowed (0 when it is allowed now). */
  waitMs(): number {
    const t = this.now();
    while (this.sent.length > 0 && this.sent[0]! <= t - 60_000) this.sent.shift();
    if (this.sent.length < this.perMinute) return 0;
    return this.sent[0]! + 60_000 - t;
  }

  async acquire(signal: AbortSignal): Promise<boolean> {
    for (let wait = this.waitMs(); wait > 0; wait = this.waitMs()) {
      if (signal.aborted) return false;
      await sleep(wait, signal);
    }
    if (signal.aborted) return false;
    this.sent.push(this.now());
    return true;
  }
}
