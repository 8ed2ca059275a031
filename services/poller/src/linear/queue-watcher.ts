import type { LinearQueue } from "@nightshift/config";
import { deterministicTaskId, isTerminal } from "@nightshift/contracts";
import { coerceError } from "@nightshift/errors";
import type { LinearApi } from "@nightshift/linear";
import type { Bus } from "@nightshift/messaging";
import type { Logger } from "@nightshift/runtime";
import { createHash } from "node:crypto";
import type { Acceptance } from "../accept.ts";
import type { ItemStore } from "../item-state.ts";
import { ItemKeys, kvSafe } from "../kv-keys.ts";
import type { Trigger } from "../trigger.ts";
import { linearTask } from "./build-task.ts";

export interface LinearWatcherOptions {
  api: LinearApi;
  queue: LinearQueue;
  index: number;
  bus: Bus;
  items: ItemStore;
  accept: (t: Trigger) => Promise<Acceptance>;
  backend?: string | undefined;
  model?: string | undefined;
  log: Logger;
}

/**
 * One Linear queue: the team's issues in a state and/or with a label. An issue becomes a
 * task once per time it enters the queue (the trigger carries the issue's `updatedAt`);
 * while its task runs it is skipped, and the write-back moves it out of the queue.
 * Issues the agent created itself are ignored.
 */
export class LinearQueueWatcher {
  readonly id: string;
  readonly #o: LinearWatcherOptions;
  #viewer: Promise<string> | undefined;

  constructor(o: LinearWatcherOptions) {
    this.#o = o;
    const what = createHash("sha256")
      .update(`${o.queue.state ?? ""}\n${o.queue.label ?? ""}`)
      .digest("hex")
      .slice(0, 8);
    this.id = `linear.${kvSafe(o.queue.team)}.${what}`;
  }

  #self(): Promise<string> {
    this.#viewer ??= this.#o.api.viewer().then((v) => v.id);
    this.#viewer.catch(() => (this.#viewer = undefined));
    return this.#viewer;
  }

  async poll(): Promise<void> {
    const { api, queue, items, bus, log } = this.#o;
    const self = await this.#self();
    const issues = await api.issues({ team: queue.team, state: queue.state, label: queue.label });
    for (const issue of issues) {
      try {
        if (issue.creator?.id === self) continue;
        const item = ItemKeys.linear(issue.id);
        const { state } = await items.get(item);
        if (state.lastTaskId) {
          const last = await bus.tasks.get(state.lastTaskId);
          if (last && !isTerminal(last.record.state)) continue;
        }
        const key = `linear:${issue.identifier}:${issue.updatedAt}`;
        const result = await this.#o.accept({
          key,
          item,
          human: true,
          task: linearTask({
            id: deterministicTaskId("linear", key),
            key,
            issue,
            queue,
            queueIndex: this.#o.index,
            backend: this.#o.backend,
            model: this.#o.model,
          }),
          giveUp: { kind: "none" },
        });
        if (result !== "duplicate")
          log.info({ issue: issue.identifier, result }, `Linear issue ${result}`);
      } catch (err) {
        log.warn(
          { err: coerceError(err), issue: issue.identifier },
          "Linear issue not handled; retried next poll",
        );
      }
    }
  }
}
