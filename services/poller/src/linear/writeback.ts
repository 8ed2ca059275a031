import type { LinearQueue } from "@nightshift/config";
import type { TaskRecord, TaskState } from "@nightshift/contracts";
import { renderStatus } from "@nightshift/github";
import type { LinearApi } from "@nightshift/linear";
import type { KV } from "@nightshift/messaging";
import type { ItemState } from "../item-state.ts";
import { CursorKeys, ItemKeys } from "../kv-keys.ts";
import { BoundedMap } from "../bounded-map.ts";
import { statusView } from "../status-view.ts";

export interface LinearWritebackOptions {
  api: LinearApi;
  queues: readonly LinearQueue[];
  maxAttempts: number;
  secrets: readonly string[];
  cursors: KV;
}

/**
 * Writes a Linear task's progress back to its issue: the issue moves to the queue's
 * started state when the task is queued, to its done or failed state at the end (not
 * while a retry is planned), and one comment per task is edited as the task moves.
 */
export class LinearWriteback {
  readonly #o: LinearWritebackOptions;
  readonly #moved = new BoundedMap<string, string>(500);
  readonly #bodies = new BoundedMap<string, string>(500);
  readonly #states = new Map<string, Promise<Map<string, string>>>();

  constructor(o: LinearWritebackOptions) {
    this.#o = o;
  }

  itemOf(record: TaskRecord): string | undefined {
    const id = record.task.source.attributes["issueId"];
    return record.task.source.kind === "linear" && id ? ItemKeys.linear(id) : undefined;
  }

  #target(queue: LinearQueue, state: TaskState, retrying: boolean): string | undefined {
    if (state === "queued" || state === "running" || state === "waiting") return queue.startedState;
    if (state === "succeeded") return queue.doneState;
    return retrying ? undefined : queue.failedState;
  }

  async #stateId(team: string, name: string): Promise<string | undefined> {
    let p = this.#states.get(team);
    if (!p) {
      p = this.#o.api.states(team).then((s) => new Map(s.map((x) => [x.name, x.id])));
      p.catch(() => this.#states.delete(team));
      this.#states.set(team, p);
    }
    return (await p).get(name);
  }

  async write(record: TaskRecord, item: ItemState): Promise<void> {
    const attrs = record.task.source.attributes;
    const issueId = attrs["issueId"];
    const team = attrs["team"];
    const queue =
      this.#o.queues[Number(attrs["queue"])] ?? this.#o.queues.find((q) => q.team === team);
    if (!issueId || !team || !queue) return;
    const { api, cursors } = this.#o;
    const retrying = item.retry?.taskId === record.id;
    const target = this.#target(queue, record.state, retrying);
    if (target !== undefined && this.#moved.get(record.id) !== target) {
      const stateId = await this.#stateId(team, target);
      if (stateId) await api.moveIssue(issueId, stateId);
      this.#moved.set(record.id, target);
    }
    const view = statusView(record, item, {
      trigger: `Taken from the ${queue.state ?? queue.label ?? ""} queue.`,
      maxAttempts: this.#o.maxAttempts,
      secrets: this.#o.secrets,
    });
    const body = renderStatus(view, { marker: false });
    if (this.#bodies.get(record.id) === body) return;
    const key = CursorKeys.comment(record.id);
    const known = await cursors.get(key);
    let commentId = known?.operation === "PUT" ? known.string() : undefined;
    if (commentId === undefined) {
      const mine = (await api.comments(issueId)).find((c) =>
        c.body.includes(`task \`${record.id}\``),
      );
      commentId = mine?.id;
    }
    if (commentId === undefined) {
      commentId = await api.createComment(issueId, body);
      await cursors.put(key, commentId);
    } else {
      await api.updateComment(commentId, body);
    }
    this.#bodies.set(record.id, body);
  }
}
