import {
  applyTransition,
  copyRecord,
  type Bus,
  type StoredRecord,
  type TransitionOptions,
} from "@nightshift/messaging";
import type { TaskRecord, TaskState } from "@nightshift/contracts";
import { NightshiftError } from "@nightshift/errors";

/**
 * Record writes of one attempt. Every write checks that the record still belongs to this
 * attempt on this executor, so a paused executor that wakes up after its lease was taken
 * over cannot overwrite the new attempt's state. The last record this attempt saw is
 * kept, so a write costs one CAS round trip unless someone else changed the record.
 */
export class AttemptRecord {
  readonly #bus: Bus;
  readonly taskId: string;
  readonly attempt: number;
  readonly instance: string;
  #last: StoredRecord;

  constructor(bus: Bus, started: StoredRecord, instance: string) {
    this.#bus = bus;
    this.taskId = started.record.id;
    this.attempt = started.record.attempts;
    this.instance = instance;
    this.#last = started;
  }

  #check(r: TaskRecord): void {
    if (r.attempts !== this.attempt || r.executor?.instance !== this.instance) {
      throw new NightshiftError(
        "LEASE_LOST",
        `task ${this.taskId}: attempt ${this.attempt} on ${this.instance} no longer owns the record (attempt ${r.attempts} on ${r.executor?.instance ?? "?"})`,
      );
    }
  }

  /** The record as this attempt last wrote or read it. */
  current(): TaskRecord {
    return this.#last.record;
  }

  async #write(mutate: (r: TaskRecord) => TaskRecord): Promise<TaskRecord> {
    const out = await this.#bus.tasks.update(
      this.taskId,
      (r) => {
        this.#check(r);
        return mutate(r);
      },
      this.#last,
    );
    if (!out) throw new NightshiftError("NOT_FOUND", `task ${this.taskId}: record disappeared`);
    this.#last = out;
    return out.record;
  }

  update(mutate: (r: TaskRecord) => void): Promise<TaskRecord> {
    return this.#write((r) => {
      const next = copyRecord(r);
      mutate(next);
      next.updatedAt = new Date().toISOString();
      return next;
    });
  }

  transition(to: TaskState, opts: TransitionOptions = {}): Promise<TaskRecord> {
    return this.#write((r) => applyTransition(r, to, opts));
  }
}
