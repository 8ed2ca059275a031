import type { TaskRecord } from "@nightshift/contracts";
import type { Logger } from "@nightshift/runtime";

/**
 * Something that delivers a task's result outside NATS once its attempt has finished
 * and the branch is pushed: a pull request and issue comment on GitHub, a Linear comment.
 * Sinks run in order; a sink that throws makes the attempt retry (so it must be
 * idempotent: look up its own marker before writing).
 */
export interface ResultSink {
  name: string;
  /** Whether this sink handles the task (by its source, repository …). */
  accepts(record: TaskRecord): boolean;
  /**
   * Called with the record as it is about to be finalised. May return fields to merge
   * into the result (a pull request URL).
   */
  deliver(record: TaskRecord, log: Logger): Promise<{ pullRequestUrl?: string } | void>;
}
