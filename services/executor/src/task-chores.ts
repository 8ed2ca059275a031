/**
 * Work an attempt leaves behind once its outcome is decided (removing the agent's home and
 * its archived copy): done after the slot has moved on to its next task. A task's chores
 * run in order; its next attempt waits for them (`idle`), and so does shutdown (`drain`).
 */
export class TaskChores {
  readonly #tails = new Map<string, Promise<void>>();

  later(taskId: string, chore: () => Promise<unknown>): void {
    const tail = (this.#tails.get(taskId) ?? Promise.resolve())
      .then(chore)
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        if (this.#tails.get(taskId) === tail) this.#tails.delete(taskId);
      });
    this.#tails.set(taskId, tail);
  }

  /** Resolves once the task's chores so far are done (at once when it has none). */
  idle(taskId: string): Promise<void> | undefined {
    return this.#tails.get(taskId);
  }

  /** Resolves once every chore, including ones queued meanwhile, is done. */
  async drain(): Promise<void> {
    while (this.#tails.size > 0) await Promise.all(this.#tails.values());
  }
}
