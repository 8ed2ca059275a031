export { createConnector, mapGitHubError } from "./octokit.ts";
export type {
  ConnectorOptions,
  GitHubConnector,
  GitHubExchange,
  GitHubRequest,
  GitHubResponse,
} from "./octokit.ts";
export { authFromSecrets } from "./auth.ts";
export type { GitHubAuth } from "./auth.ts";
export { GitHubError, GitHubRateLimitError } from "./errors.ts";
export { GitHubApi } from "./api.ts";
export type { Conditional } from "./api.ts";
export { nextLink } from "./links.ts";
export type {
  GhIssue,
  GhIssueEvent,
  GhComment,
  GhPull,
  GhReview,
  GhReviewComment,
  GhCheckRun,
  GhStatus,
  GhCombinedStatus,
  GhRepo,
  GhUser,
} from "./schemas.ts";
export { marker, parseMarkers, hasMarker } from "./markers.ts";
export { GitHubThread, threadOf, threadAttributes, issueReference } from "./thread.ts";
export { shortReason } from "./short-reason.ts";
export { renderStatus, findStatusComment, upsertStatusComment } from "./status-comment.ts";
export type { StatusView, FoundComment } from "./status-comment.ts";
export { statusLabel, applyStatusLabel } from "./status-labels.ts";
export { ensurePullRequest } from "./pull-request.ts";
export type { PullRequestSpec } from "./pull-request.ts";
export { githubResultSink, githubResultSinks } from "./result-sink.ts";
export type { GitHubResultSink, ResultSinkOptions } from "./result-sink.ts";
export { connectGitHub } from "./connect.ts";
export { webhookVerifier } from "./webhook-verify.ts";
