import type { GitHubConfig } from "@nightshift/config";
import type { TaskRecord } from "@nightshift/contracts";
import {
  applyStatusLabel,
  statusLabel,
  threadOf,
  upsertStatusComment,
  type FoundComment,
  type GitHubApi,
  type StatusView,
} from "@nightshift/github";
import type { KV } from "@nightshift/messaging";
import type { ItemState } from "../item-state.ts";
import { CursorKeys, ItemKeys } from "../kv-keys.ts";
import { BoundedMap } from "../bounded-map.ts";
import { statusView } from "../status-view.ts";
import { describeTrigger } from "./describe.ts";

/** Status comments and labels kept in memory at most (found again on GitHub beyond). */
const CACHE = 500;

export interface GitHubWritebackOptions {
  api: GitHubApi;
  labels: GitHubConfig["labels"];
  maxAttempts: number;
  /** Secret values that must never reach GitHub. */
  secrets: readonly string[];
  cursors: KV;
}

/**
 * Keeps one status comment per task on its issue or pull request, edited as the task
 * moves (found by the id remembered in KV, or by its marker), and the status label.
 * Every view is rendered from the current record, so a late event cannot show an older
 * state than the last one written.
 */
export class GitHubWriteback {
  readonly #o: GitHubWritebackOptions;
  readonly #comments = new BoundedMap<string, FoundComment>(CACHE);
  readonly #labels = new BoundedMap<string, string>(CACHE);

  constructor(o: GitHubWritebackOptions) {
    this.#o = o;
  }

  itemOf(record: TaskRecord): string | undefined {
    const t = threadOf(record.task.source);
    return t ? ItemKeys.github(t.repo, t.number) : undefined;
  }

  view(record: TaskRecord, item: ItemState): StatusView | undefined {
    const t = threadOf(record.task.source);
    if (!t) return undefined;
    return statusView(record, item, {
      trigger: describeTrigger(record, t),
      maxAttempts: this.#o.maxAttempts,
      secrets: this.#o.secrets,
    });
  }

  async write(record: TaskRecord, item: ItemState): Promise<void> {
    const t = threadOf(record.task.source);
    const view = this.view(record, item);
    if (!t || !view) return;
    const { api, cursors } = this.#o;
    let known = this.#comments.get(record.id);
    if (!known) {
      const e = await cursors.get(CursorKeys.comment(record.id));
      if (e?.operation === "PUT") known = { id: Number(e.string()), body: "" };
    }
    const found = await upsertStatusComment(api, t.repo, t.number, view, known);
    if (found.id !== known?.id) await cursors.put(CursorKeys.comment(record.id), String(found.id));
    this.#comments.set(record.id, found);
    const want = statusLabel(this.#o.labels, record.state);
    if (this.#labels.get(record.id) !== want) {
      const issue = await api.issue(t.repo, t.number);
      await applyStatusLabel(
        api,
        t.repo,
        t.number,
        this.#o.labels,
        record.state,
        issue.labels.map((l) => l.name),
      );
      this.#labels.set(record.id, want);
    }
  }
}
