/**
 * Keys in the `cursors` bucket. KV keys allow `[-/_=.a-zA-Z0-9]` with `.` separating
 * tokens, so names from outside (repositories, paths) are escaped to `=XX`.
 */
export function kvSafe(s: string): string {
  return s.replace(/[^-/_a-zA-Z0-9]/g, (c) => `=${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

export const CursorKeys = {
  /** Per-source position: `cursor.github.acme/web`. */
  source: (sourceId: string) => `cursor.${sourceId}`,
  /** Cooldown, attempts and pending work of one item (issue, pull request, card). */
  item: (item: string) => `item.${item}`,
  /** Present while something is due for the item (a deferred trigger, a retry). */
  due: (item: string) => `due.${item}`,
  dueAll: "due.>",
  /** A webhook delivery already handled. */
  delivery: (id: string) => `delivery.${kvSafe(id)}`,
  deliveriesAll: "delivery.>",
  /** The status comment of a task, once created. */
  comment: (taskId: string) => `comment.${taskId}`,
  /** Leader lease of a source in the `leases` bucket. */
  leader: (sourceId: string) => `leader.poller.${sourceId}`,
} as const;

/** Item keys, KV-safe: `gh/acme/web/12`, `linear/<id>`, `file/<hash>`. */
export const ItemKeys = {
  github: (repo: string, n: number) => `gh/${kvSafe(repo)}/${n}`,
  linear: (issueId: string) => `linear/${kvSafe(issueId)}`,
  file: (hash: string) => `file/${hash}`,
} as const;
