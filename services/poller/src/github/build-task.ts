import {
  cardFields,
  repoKey,
  type SourceSnapshot,
  type TaskInputShape,
} from "@nightshift/contracts";
import { threadAttributes, type GhRepo, type GitHubThread } from "@nightshift/github";

export interface GitHubTaskSpec {
  id: string;
  /** The trigger key (`gh:acme/web#12:labeled-987`). */
  key: string;
  /** Prompt template kind (`issue`, `pr-checks` …). */
  kind: string;
  thread: GitHubThread;
  /** The repository the work happens in. */
  target: GhRepo;
  base?: string | undefined;
  /** An existing branch to work on (a pull request's head). */
  branch?: string | undefined;
  url: string;
  /** Who triggered the task. */
  author: string;
  snapshot: Omit<SourceSnapshot, "capturedAt">;
  prompt: string;
  followUpOf?: string | undefined;
  backend?: string | undefined;
  model?: string | undefined;
}

/**
 * A task from GitHub: the prompt and snapshot are fixed now; later edits change nothing. A
 * `nightshift-card` block in the body gives the task its card (and review loop).
 */
export function githubTask(s: GitHubTaskSpec): TaskInputShape {
  const url = s.target.clone_url;
  return {
    v: 1,
    id: s.id,
    createdAt: new Date().toISOString(),
    kind: s.kind,
    source: {
      kind: "github",
      ref: s.key,
      url: s.url,
      author: s.author,
      snapshot: { ...s.snapshot, capturedAt: new Date().toISOString() },
      attributes: threadAttributes(s.thread),
    },
    repo: {
      url,
      key: repoKey(url),
      ...(s.base !== undefined ? { base: s.base } : {}),
      ...(s.branch !== undefined ? { branch: s.branch } : {}),
    },
    ...(s.followUpOf !== undefined ? { followUpOf: s.followUpOf } : {}),
    ...(s.backend !== undefined ? { backend: s.backend } : {}),
    ...(s.model !== undefined ? { model: s.model } : {}),
    // the prompt, and the card and loop of a nightshift-card block
    ...cardFields(s.snapshot.body, s.prompt),
  };
}
