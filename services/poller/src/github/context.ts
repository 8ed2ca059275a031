import type { GitHubRepoSource, TriageRule } from "@nightshift/config";
import type { Escalation } from "@nightshift/contracts";
import type { GhRepo, GitHubApi } from "@nightshift/github";
import type { Logger } from "@nightshift/runtime";
import type { Acceptance } from "../accept.ts";
import type { Trigger } from "../trigger.ts";
import type { TriggerPolicy } from "../who-may-trigger.ts";

export type EscalationFields = Omit<Escalation, "v" | "id" | "at">;

/** What the GitHub triggers of one watched repository need. */
export interface GitHubSourceContext {
  api: GitHubApi;
  /** `owner/name` of the watched repository. */
  repo: string;
  cfg: GitHubRepoSource;
  /** The agent's login, and the name people @mention it by. */
  self: string;
  mention: string;
  policy: TriggerPolicy;
  triage: readonly TriageRule[];
  accept: (t: Trigger) => Promise<Acceptance>;
  /** Publishes an escalation for a trigger once; false when it was already sent. */
  escalateOnce: (key: string, item: string, esc: EscalationFields) => Promise<boolean>;
  /** Repository metadata (clone URL, default branch), cached. */
  repoInfo: (full: string) => Promise<GhRepo>;
  backend?: string | undefined;
  model?: string | undefined;
  /** Whether polls send `If-None-Match` (see `poller.conditionalRequests`). */
  conditional: boolean;
  log: Logger;
}
