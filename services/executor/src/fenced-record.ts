import { applyTransition, type Bus, type TransitionOptions } from "@nightshift/messaging";
import type { TaskRecord, TaskState } from "@nightshift/contracts";
import { NightshiftError } from "@nightshift/errors";

/**
 * Record writes of one attempt. Every write checks that the record still belongs to this
 * attempt on this executor, so a paused executor that wakes up after its lease was taken
 * over cannot overwrite the new attempt's state.
 */
export class AttemptRecord {
  readonly #bus: Bus;
  readonly taskId: string;
  readonly attempt: number;
  readonly instance: string;

  constructor(bus: Bus, taskId: string, attempt: number, instance: string) {
    this.#bus = bus;
    this.taskId = taskId;
    this.attempt = attempt;
    this.instance = instance;
  }

  #check(r: TaskRecord): void {
    if (r.attempts !== this.attempt || r.executor?.instance !== this.instance) {
      throw new NightshiftError(
        "LEASE_LOST",
        `task ${this.taskId}: attempt ${this.attempt} on ${this.instance} no longer owns the record (attempt ${r.attempts} on ${r.executor?.instance ?? "?"})`,
      );
    }
  }

  /** The current record; throws when this attempt no longer owns it. */
  async read(): Promise<TaskRecord> {
    const r = await this.#bus.tasks.get(this.taskId);
    if (!r) throw new NightshiftError("NOT_FOUND", `task ${this.taskId}: record disappeared`);
    this.#check(r.record);
    return r.record;
  }

  async update(mutate: (r: TaskRecord) => void): Promise<TaskRecord> {
    const out = await this.#bus.tasks.update(this.taskId, (r) => {
      this.#check(r);
      const next = structuredClone(r);
      mutate(next);
      next.updatedAt = new Date().toISOString();
      return next;
    });
    if (!out) throw new NightshiftError("NOT_FOUND", `task ${this.taskId}: record disappeared`);
    return out.record;
  }

  async transition(to: TaskState, opts: TransitionOptions = {}): Promise<TaskRecord> {
    const out = await this.#bus.tasks.update(this.taskId, (r) => {
      this.#check(r);
      return applyTransition(r, to, opts);
    });
    if (!out) throw new NightshiftError("NOT_FOUND", `task ${this.taskId}: record disappeared`);
    return out.record;
  }
}
