import type { LinearApi } from "@nightshift/linear";
import type { Notification, NotificationChannel } from "../channel.ts";
import { threadText } from "./thread-text.ts";

/** Task label naming the Linear issue a task from elsewhere reports to (id or `ENG-12`). */
export const LINEAR_ISSUE_LABEL = "linear.issue";

/**
 * Comments on the Linear issue a notification is about: escalations of Linear items, and
 * tasks from other sources that name an issue in their `linear.issue` label. Tasks that
 * came from Linear are left out: the poller's write-back keeps their issue up to date.
 * Each notification is posted once, found again by the id in its last line.
 */
export class LinearCommentChannel implements NotificationChannel {
  readonly name = "linear-comment";
  readonly #api: LinearApi;
  readonly #secrets: readonly string[];

  constructor(api: LinearApi, secrets: readonly string[] = []) {
    this.#api = api;
    this.#secrets = secrets;
  }

  target(n: Notification): string | undefined {
    const e = n.escalation;
    if (e) return e.source === "linear" ? e.attributes["issueId"] : undefined;
    const r = n.record;
    if (!r || r.task.source.kind === "linear") return undefined;
    return r.task.labels[LINEAR_ISSUE_LABEL];
  }

  accepts(n: Notification): boolean {
    return this.target(n) !== undefined;
  }

  async send(n: Notification): Promise<void> {
    const issue = this.target(n);
    if (!issue) return;
    const tag = `(nightshift notification ${n.id})`;
    const existing = await this.#api.comments(issue);
    if (existing.some((c) => c.body.includes(tag))) return;
    await this.#api.createComment(issue, `${threadText(n, this.#secrets)}\n\n${tag}`);
  }
}
