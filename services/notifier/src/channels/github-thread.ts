import { hasMarker, marker, threadOf, type GitHubApi } from "@nightshift/github";
import type { Notification, NotificationChannel } from "../channel.ts";
import { threadText } from "./thread-text.ts";

/** Task label naming the GitHub thread a task from elsewhere reports to: `owner/name#12`. */
export const GITHUB_THREAD_LABEL = "github.thread";

interface Thread {
  repo: string;
  number: number;
}

function parseThread(ref: string | undefined): Thread | undefined {
  const m = /^([\w.-]+\/[\w.-]+)#(\d+)$/.exec(ref ?? "");
  return m?.[1] && m[2] ? { repo: m[1], number: Number(m[2]) } : undefined;
}

/**
 * Comments on the GitHub issue or pull request a notification is about: escalations of
 * GitHub items (a RED check, review or comment), and tasks from other sources that name
 * a thread in their `github.thread` label. Tasks that came from GitHub are left out:
 * their status comment already tells the thread everything. Each notification is posted
 * once, found again by its marker.
 */
export class GitHubThreadChannel implements NotificationChannel {
  readonly name = "github-thread";
  readonly #api: GitHubApi;
  readonly #secrets: readonly string[];

  constructor(api: GitHubApi, secrets: readonly string[] = []) {
    this.#api = api;
    this.#secrets = secrets;
  }

  target(n: Notification): Thread | undefined {
    const e = n.escalation;
    if (e) {
      const number = Number(e.attributes["number"]);
      return e.source === "github" && e.repo && Number.isInteger(number) && number > 0
        ? { repo: e.repo, number }
        : undefined;
    }
    const r = n.record;
    if (!r || threadOf(r.task.source)) return undefined;
    return parseThread(r.task.labels[GITHUB_THREAD_LABEL]);
  }

  accepts(n: Notification): boolean {
    return this.target(n) !== undefined;
  }

  async send(n: Notification): Promise<void> {
    const t = this.target(n);
    if (!t) return;
    const fields = { kind: "notification", id: n.id };
    const comments = await this.#api.issueComments(t.repo, t.number);
    if (comments.some((c) => hasMarker(c.body, fields))) return;
    await this.#api.createComment(
      t.repo,
      t.number,
      `${marker(fields)}\n${threadText(n, this.#secrets)}`,
    );
  }
}
