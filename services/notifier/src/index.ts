export { notifierService } from "./service.ts";
export type { Notification, NotificationChannel } from "./channel.ts";
export { GitHubThreadChannel, GITHUB_THREAD_LABEL } from "./channels/github-thread.ts";
export { LinearCommentChannel, LINEAR_ISSUE_LABEL } from "./channels/linear-comment.ts";
