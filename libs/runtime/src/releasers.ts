import { coerceError } from "@nightshift/errors";

interface Releaser {
  name: string;
  release: () => unknown;
}

/**
 * A stack of cleanups, released last-in-first-out. Everything acquired during start-up
 * is pushed here at once, so a start-up that fails half-way still releases what it got.
 */
export class Releasers {
  #stack: Releaser[] = [];

  push(name: string, release: () => unknown): void {
    this.#stack.push({ name, release });
  }

  get size(): number {
    return this.#stack.length;
  }

  /** Releases everything in reverse order; every failure is reported, none stops the rest. */
  async releaseAll(onError: (name: string, err: Error) => void): Promise<void> {
    while (this.#stack.length > 0) {
      const r = this.#stack.pop() as Releaser;
      try {
        await r.release();
      } catch (err) {
        onError(r.name, coerceError(err));
      }
    }
  }
}
