/** Serialises async work per key; work under different keys runs concurrently. */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#tails.get(key) ?? Promise.resolve();
    let release: () => void = () => undefined;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = prev.then(() => mine);
    this.#tails.set(key, tail);
    await prev;
    try {
      return await fn();
    } finally {
      release();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }

  /** Keys with work running or waiting. */
  busy(): string[] {
    return [...this.#tails.keys()];
  }

  /** Resolves once the key's work so far is done; undefined when it has none. */
  idle(key: string): Promise<void> | undefined {
    return this.#tails.get(key);
  }

  /** Resolves once no key has work, including work queued meanwhile. */
  async drain(): Promise<void> {
    while (this.#tails.size > 0) await Promise.all(this.#tails.values());
  }
}
