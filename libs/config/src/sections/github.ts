import { z } from "zod";
import { duration } from "../duration.ts";

const label = z.string().min(1).max(50);

/**
 * How nightshift talks to GitHub (the poller reading, the executor writing results).
 * Credentials come from the environment: `GITHUB_TOKEN`, or `GITHUB_APP_ID` with
 * `GITHUB_APP_PRIVATE_KEY` for a GitHub App.
 */
export const GitHubConfig = z.strictObject({
  /** REST API root; `GITHUB_API_URL` sets it. GitHub Enterprise: `https://host/api/v3`. */
  apiUrl: z.url().default("https://api.github.com"),
  /** The agent's own account; looked up from the token or App when unset. */
  login: z.string().min(1).optional(),
  /** GitHub App only: the installation to use instead of looking it up per repository. */
  installationId: z.number().int().positive().optional(),
  /** Per-request timeout. */
  requestTimeout: duration().default(30_000),
  /** Octokit's own retries of server errors; JetStream and the poll loop own the rest. */
  retries: z.number().int().min(0).max(3).default(1),
  /** A rate-limit reset this close is waited for in-process; a later one backs the caller off. */
  maxRateLimitWait: duration().default(60_000),
  /** Spacing of write requests (GitHub asks for at most one per second). */
  writeSpacing: duration().default(1_000),
  /** Spacing of requests that create content and notify people (comments, pull requests). */
  contentSpacing: duration().default(3_000),
  pullRequests: z
    .strictObject({
      /** Open pull requests as drafts. */
      draft: z.boolean().default(false),
      /** Labels added to every pull request nightshift opens. */
      labels: z.array(label).default([]),
    })
    .default({ draft: false, labels: [] }),
  /** Labels that show a task's state on its source issue; each is replaced by the next. */
  labels: z
    .strictObject({
      inProgress: label.default("nightshift:in-progress"),
      done: label.default("nightshift:done"),
      failed: label.default("nightshift:failed"),
      blocked: label.default("nightshift:blocked"),
    })
    .default({
      inProgress: "nightshift:in-progress",
      done: "nightshift:done",
      failed: "nightshift:failed",
      blocked: "nightshift:blocked",
    }),
});
export type GitHubConfig = z.infer<typeof GitHubConfig>;
