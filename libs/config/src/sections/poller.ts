import { z } from "zod";
import { duration } from "../duration.ts";

const regex = z.string().refine(
  (s) => {
    try {
      new RegExp(s, "i");
      return true;
    } catch {
      return false;
    }
  },
  { message: "must be a valid regular expression" },
);
const login = z.string().min(1).max(100);
const label = z.string().min(1).max(50);

/** What started an item: the kinds of trigger the GitHub source finds. */
export const TriggerKind = z.enum(["issue", "dispatch", "mention", "checks", "review", "conflict"]);
export type TriggerKind = z.infer<typeof TriggerKind>;

/**
 * One triage rule: the first rule whose `when` matches classifies the item. GREEN items
 * become tasks; RED items become escalations for a person and no agent runs.
 */
export const TriageRule = z.strictObject({
  name: z.string().min(1),
  class: z.enum(["green", "red"]),
  when: z
    .strictObject({
      /** Kinds of trigger the rule applies to; every kind when absent. */
      trigger: z.array(TriggerKind).min(1).optional(),
      /** Matches when any failing check's name matches (case-insensitive). */
      check: regex.optional(),
      /** Matches when any failing check ended with one of these conclusions. */
      conclusion: z.array(z.string().min(1)).min(1).optional(),
      /** Matches the triggering text (comment, review, issue body). */
      text: regex.optional(),
      /** Matches when the trigger's author is one of these logins. */
      author: z.array(login).min(1).optional(),
    })
    .default({}),
});
export type TriageRule = z.infer<typeof TriageRule>;

/** Used when neither the repository nor `poller.triage` sets rules. */
export const DEFAULT_TRIAGE: TriageRule[] = [
  {
    name: "approval-required",
    class: "red",
    when: { trigger: ["checks"], conclusion: ["action_required"] },
  },
  {
    name: "deploy-release-security",
    class: "red",
    when: { trigger: ["checks"], check: "deploy|release|publish|security|codeql|license" },
  },
  {
    name: "design-discussion",
    class: "red",
    when: {
      trigger: ["review", "mention"],
      text: "\\b(architecture|redesign|breaking change|needs? (a )?discussion|rethink)\\b",
    },
  },
];

export const GitHubRepoSource = z.strictObject({
  /** `owner/name`. */
  repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, "must be owner/name"),
  /** Open issues carrying this label become tasks; `false` turns it off. */
  label: z.union([z.literal(false), label]).default("nightshift"),
  /** Open issues assigned to the agent's account become tasks. */
  assigned: z.boolean().default(true),
  /** Comments that mention the agent with an instruction become tasks. */
  mentions: z.boolean().default(true),
  /** Dispatch issues in the seed format (`<!-- agent_task_metadata {...} -->`) carrying this label. */
  dispatch: label.optional(),
  /** The agent's own pull requests, and pull requests carrying `label`. */
  pulls: z
    .strictObject({
      label: label.optional(),
      /** Newly failing checks and commit statuses. */
      checks: z.boolean().default(true),
      /** Changes-requested reviews and review comments. */
      reviews: z.boolean().default(true),
      /** Merge conflicts with the base branch. */
      conflicts: z.boolean().default(true),
    })
    .default({ checks: true, reviews: true, conflicts: true }),
  /** Branch work starts from; the repository's default branch when unset. */
  base: z.string().min(1).optional(),
  /** Overrides `poller.triage` for this repository. */
  triage: z.array(TriageRule).optional(),
});
export type GitHubRepoSource = z.infer<typeof GitHubRepoSource>;

export const LinearQueue = z
  .strictObject({
    /** Team key (`ENG`). */
    team: z.string().min(1),
    /** Issues in this workflow state… */
    state: z.string().min(1).optional(),
    /** …and/or carrying this label become tasks. */
    label: z.string().min(1).optional(),
    /** Repository the work happens in (a git URL or a local path). */
    repo: z.string().min(1),
    base: z.string().min(1).optional(),
    /** State an accepted issue is moved to, so it leaves the queue. */
    startedState: z.string().min(1).default("In Progress"),
    /** State after a successful task; unchanged when unset. */
    doneState: z.string().min(1).optional(),
    /** State after a failed or blocked task; unchanged when unset. */
    failedState: z.string().min(1).optional(),
  })
  .superRefine((q, ctx) => {
    if (q.state === undefined && q.label === undefined)
      ctx.addIssue({ code: "custom", message: "needs a state, a label or both" });
    // An issue put back into the queue's state would be taken again and again.
    for (const k of ["startedState", "doneState", "failedState"] as const)
      if (q.state !== undefined && q[k] === q.state)
        ctx.addIssue({ code: "custom", path: [k], message: `must differ from state "${q.state}"` });
  });
export type LinearQueue = z.infer<typeof LinearQueue>;

export const FileSource = z.strictObject({
  /** Folder of task cards: `*.md` with front matter, or `*.json`. */
  dir: z.string().min(1),
  /** Repository for cards that name none. */
  repo: z.string().min(1).optional(),
  interval: duration().default(10_000),
});
export type FileSource = z.infer<typeof FileSource>;

/** Task sources the poller watches and the rules it applies to them. */
export const PollerConfig = z.strictObject({
  /** How often each GitHub repository is polled. */
  interval: duration().default(60_000),
  /** Polling interval while webhooks are configured (`GITHUB_WEBHOOK_SECRET`): the fallback. */
  webhookInterval: duration().default(600_000),
  /**
   * Send `If-None-Match` with the ETag of the last answer, so an unchanged listing costs a
   * 304 that GitHub does not count against the rate limit. Off only to compare, or behind
   * a proxy that breaks ETags.
   */
  conditionalRequests: z.boolean().default(true),
  /** Least time between two tasks for the same item (issue, pull request, card). */
  cooldown: duration().default(300_000),
  /** Tasks per item, retries included, before it is left with one comment. */
  maxAttempts: z.number().int().min(1).max(20).default(3),
  /** Users who may trigger without write permission on the repository. */
  allowUsers: z.array(login).default([]),
  /** Bot accounts whose triggers are accepted (bots are ignored otherwise). */
  allowBots: z.array(login).default([]),
  /** Backend and model for the tasks the poller creates (the executor's default otherwise). */
  backend: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  webhook: z
    .strictObject({ path: z.string().startsWith("/").default("/webhooks/github") })
    .default({ path: "/webhooks/github" }),
  triage: z.array(TriageRule).default(DEFAULT_TRIAGE),
  github: z.strictObject({ repos: z.array(GitHubRepoSource).default([]) }).default({ repos: [] }),
  linear: z
    .strictObject({
      apiUrl: z.url().default("https://api.linear.app/graphql"),
      interval: duration().default(60_000),
      queues: z.array(LinearQueue).default([]),
    })
    .default({ apiUrl: "https://api.linear.app/graphql", interval: 60_000, queues: [] }),
  files: z.array(FileSource).default([]),
});
export type PollerConfig = z.infer<typeof PollerConfig>;
