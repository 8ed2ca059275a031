/**
 * At most `limit` requests in any `windowMs`: `take()` waits for a free place in the
 * window. Used for a backend's requests-per-minute limit within one executor process.
 */
export class RequestWindow {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #sent: number[] = [];

  constructor(limit: number, windowMs: number, now: () => number = Date.now) {
    this.#limit = limit;
    this.#windowMs = windowMs;
    this.#now = now;
  }

  /** Resolves when a request may be sent (and counts it); rejects if `signal` aborts first. */
  async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.#now();
      while (this.#sent.length > 0 && (this.#sent[0] as number) <= now - this.#windowMs)
        this.#sent.shift();
      if (this.#sent.length < this.#limit) {
        this.#sent.push(now);
        return;
      }
      const waitMs = (this.#sent[0] as number) + this.#windowMs - now;
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, waitMs);
        signal?.addEventListener(
          "abort",
          () => {
            clearTimeout(t);
            reject(
              signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)),
            );
          },
          { once: true },
        );
      });
    }
  }
}
