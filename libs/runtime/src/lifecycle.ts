export type ServiceState = "starting" | "running" | "draining" | "stopped" | "failed";

/** Tracks a process's state; `/readyz` answers 200 only while it is `running`. */
export class Lifecycle {
  #state: ServiceState = "starting";
  #since = Date.now();

  get state(): ServiceState {
    return this.#state;
  }

  get since(): number {
    return this.#since;
  }

  set(state: ServiceState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#since = Date.now();
  }
}
