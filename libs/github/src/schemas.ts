import { z } from "zod";

/** The subset of GitHub's REST objects nightshift reads; unknown fields are dropped. */
export const GhUser = z.object({
  login: z.string(),
  id: z.number().optional(),
  type: z.string().default("User"),
});
export type GhUser = z.infer<typeof GhUser>;

const GhLabel = z.union([
  z.string().transform((name) => ({ name })),
  z.object({ name: z.string() }),
]);

export const GhIssue = z.object({
  id: z.number(),
  number: z.number().int(),
  title: z.string(),
  body: z.string().nullable().default(null),
  state: z.string(),
  user: GhUser.nullable(),
  labels: z.array(GhLabel).default([]),
  assignees: z.array(GhUser).nullable().default([]),
  html_url: z.string(),
  updated_at: z.string(),
  created_at: z.string(),
  /** Present when the issue is a pull request. */
  pull_request: z.object({ url: z.string() }).optional(),
});
export type GhIssue = z.infer<typeof GhIssue>;

export const GhIssueEvent = z.object({
  id: z.number(),
  event: z.string(),
  actor: GhUser.nullable(),
  created_at: z.string(),
  label: z.object({ name: z.string() }).optional(),
  assignee: GhUser.nullable().optional(),
});
export type GhIssueEvent = z.infer<typeof GhIssueEvent>;

export const GhComment = z.object({
  id: z.number(),
  body: z.string().nullable().default(""),
  user: GhUser.nullable(),
  html_url: z.string(),
  issue_url: z.string().optional(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type GhComment = z.infer<typeof GhComment>;

const GhRef = z.object({
  ref: z.string(),
  sha: z.string(),
  repo: z.object({ full_name: z.string(), clone_url: z.string() }).nullable(),
});

export const GhPull = z.object({
  id: z.number(),
  number: z.number().int(),
  title: z.string(),
  body: z.string().nullable().default(null),
  state: z.string(),
  draft: z.boolean().default(false),
  user: GhUser.nullable(),
  labels: z.array(GhLabel).default([]),
  html_url: z.string(),
  head: GhRef,
  base: GhRef,
  mergeable: z.boolean().nullable().optional(),
  mergeable_state: z.string().optional(),
  updated_at: z.string(),
});
export type GhPull = z.infer<typeof GhPull>;

export const GhReview = z.object({
  id: z.number(),
  user: GhUser.nullable(),
  body: z.string().nullable().default(""),
  state: z.string(),
  html_url: z.string(),
  submitted_at: z.string().nullable().optional(),
  commit_id: z.string().nullable().optional(),
});
export type GhReview = z.infer<typeof GhReview>;

export const GhReviewComment = z.object({
  id: z.number(),
  pull_request_review_id: z.number().nullable().optional(),
  user: GhUser.nullable(),
  body: z.string(),
  path: z.string(),
  line: z.number().nullable().optional(),
  html_url: z.string(),
});
export type GhReviewComment = z.infer<typeof GhReviewComment>;

export const GhCheckRun = z.object({
  id: z.number(),
  name: z.string(),
  status: z.string(),
  conclusion: z.string().nullable(),
  html_url: z.string().nullable().optional(),
  details_url: z.string().nullable().optional(),
  output: z
    .object({ title: z.string().nullable().optional(), summary: z.string().nullable().optional() })
    .optional(),
});
export type GhCheckRun = z.infer<typeof GhCheckRun>;

export const GhCheckRuns = z.object({ total_count: z.number(), check_runs: z.array(GhCheckRun) });

export const GhStatus = z.object({
  id: z.number(),
  context: z.string(),
  state: z.string(),
  description: z.string().nullable().optional(),
  target_url: z.string().nullable().optional(),
});
export type GhStatus = z.infer<typeof GhStatus>;

export const GhCombinedStatus = z.object({
  state: z.string(),
  sha: z.string(),
  statuses: z.array(GhStatus),
});
export type GhCombinedStatus = z.infer<typeof GhCombinedStatus>;

export const GhRepo = z.object({
  full_name: z.string(),
  default_branch: z.string(),
  clone_url: z.string(),
  html_url: z.string(),
});
export type GhRepo = z.infer<typeof GhRepo>;

export const GhPermission = z.object({
  permission: z.string(),
  role_name: z.string().optional(),
  user: GhUser.nullable().optional(),
});
