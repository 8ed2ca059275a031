import { z } from "zod";

/**
 * Where a GitHub task came from and where its results go, carried in the task's
 * `source.attributes` (strings only).
 */
export const GitHubThread = z.object({
  /** `owner/name` of the issue or pull request that triggered the task. */
  repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/),
  number: z.coerce.number().int().positive(),
  /** Whether the trigger's thread is an issue or a pull request. */
  thread: z.enum(["issue", "pull"]),
  /** The kind of trigger (`issue`, `dispatch`, `mention`, `checks`, `review`, `conflict`). */
  trigger: z.string().min(1),
  /** `owner/name` where the work happens and the pull request goes (a dispatch issue's target). */
  target: z.string().regex(/^[\w.-]+\/[\w.-]+$/),
  /** The pull request the task works on, when it fixes one that exists. */
  pull: z.coerce.number().int().positive().optional(),
  /** The poller's item key (cooldown, attempt cap). */
  item: z.string().min(1).optional(),
  /** Seed-format dispatch metadata (JSON), copied into the pull request for the dispatcher. */
  dispatch: z.string().optional(),
});
export type GitHubThread = z.infer<typeof GitHubThread>;

/** The thread of a task, or undefined when the task did not come from GitHub. */
export function threadOf(source: {
  kind: string;
  attributes: Record<string, string>;
}): GitHubThread | undefined {
  if (source.kind !== "github") return undefined;
  const r = GitHubThread.safeParse(source.attributes);
  return r.success ? r.data : undefined;
}

/** A thread as task attributes. */
export function threadAttributes(t: GitHubThread): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(t)) if (v !== undefined) out[k] = String(v);
  return out;
}

/** `#12` in the same repository, `owner/name#12` across repositories. */
export function issueReference(t: Pick<GitHubThread, "repo" | "number">, from: string): string {
  return t.repo === from ? `#${t.number}` : `${t.repo}#${t.number}`;
}
