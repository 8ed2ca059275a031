import type { TaskRecord, TaskResult } from "@nightshift/contracts";
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
   * into the result (a pull request URL). With `land`, an approved review loop's policy
   * allows merging: a sink that can (GitHub) merges the pull request and says how it went.
   */
  deliver(
    record: TaskRecord,
    log: Logger,
    options?: SinkOptions,
  ): Promise<{ pullRequestUrl?: string; landing?: TaskResult["landing"] } | void>;
}

export interface SinkOptions {
  land?: boolean;
}
