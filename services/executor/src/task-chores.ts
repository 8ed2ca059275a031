import { KeyedMutex } from "@nightshift/workspace";

/**
 * Work an attempt leaves behind once its outcome is decided (removing the agent's home and
 * its archived copy): done after the slot has moved on to its next task. A task's chores
 * run in order; its next attempt waits for them (`idle`), and so does shutdown (`drain`).
 */
export class TaskChores {
  readonly #mutex = new KeyedMutex();

  later(taskId: string, chore: () => Promise<unknown>): void {
    this.#mutex.run(taskId, chore).catch(() => undefined);
  }

  /** Resolves once the task's chores so far are done (undefined when it has none). */
  idle(taskId: string): Promise<void> | undefined {
    return this.#mutex.idle(taskId);
  }

  /** Resolves once every chore, including ones queued meanwhile, is done. */
  drain(): Promise<void> {
    return this.#mutex.drain();
  }
}
