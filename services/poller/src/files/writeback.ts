import { basename } from "node:path";
import { deterministicTaskId, type TaskRecord } from "@nightshift/contracts";
import { shortReason } from "@nightshift/github";
import type { ItemState } from "../item-state.ts";
import { fileItem } from "./folder-watcher.ts";
import { cardKey, readTaskFile, writeBack } from "./task-file.ts";

/**
 * Writes a card's task state into the card: `status`, `task`, `updated` and, at the end,
 * `result` (reason, branch, pull request, summary). A card whose `task` names another
 * (newer) run is left alone.
 */
export class FileWriteback {
  readonly #secrets: readonly string[];

  constructor(secrets: readonly string[]) {
    this.#secrets = secrets;
  }

  itemOf(record: TaskRecord): string | undefined {
    const path = record.task.source.attributes["path"];
    return record.task.source.kind === "file" && path ? fileItem(path) : undefined;
  }

  async write(record: TaskRecord, item: ItemState): Promise<void> {
    const path = record.task.source.attributes["path"];
    if (!path) return;
    const f = await readTaskFile(path);
    if (!f || "invalid" in f) return;
    const mine = f.fields.task === record.id;
    const fresh = f.fields.status === undefined || f.fields.status === "pending";
    // A card not yet marked: written only if its current content is what this task ran.
    const current = deterministicTaskId("file", cardKey(basename(path), f)) === record.id;
    if (!mine && !(fresh && current)) return;
    const retry = item.retry?.taskId === record.id ? item.retry.due : undefined;
    const r = record.result;
    const failed = ["failed", "blocked", "cancelled"].includes(record.state);
    const result = {
      ...(failed ? { reason: shortReason(record.reason, record.detail, this.#secrets) } : {}),
      ...(retry ? { retryAt: retry } : {}),
      ...(r?.pushed && r.branch ? { branch: r.branch } : {}),
      ...(r?.pullRequestUrl ? { pullRequest: r.pullRequestUrl } : {}),
      ...(r?.summary ? { summary: r.summary.slice(0, 2000) } : {}),
    };
    await writeBack(path, {
      status: record.state,
      task: record.id,
      updated: new Date().toISOString(),
      result: Object.keys(result).length > 0 ? result : undefined,
    });
  }
}
