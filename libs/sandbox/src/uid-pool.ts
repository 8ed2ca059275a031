/**
 * Hands out one user id per running task from `first … first+size-1`, so that concurrent
 * agents can neither signal each other's processes nor share a process limit.
 */
export class UidPool {
  readonly #free: number[];

  constructor(first: number, size: number) {
    this.#free = Array.from({ length: size }, (_, i) => first + i);
  }

  /** A free uid, or undefined when every uid is in use. */
  take(): number | undefined {
    return this.#free.shift();
  }

  give(uid: number): void {
    if (!this.#free.includes(uid)) this.#free.push(uid);
  }
}
