export { notifierService } from "./service.ts";
export type { NotifierOptions } from "./service.ts";
export { sourceKindOf } from "./channel.ts";
export type {
  Notification,
  NotificationChannel,
  ChannelContext,
  SourceThreadFactory,
  SourceThreads,
} from "./channel.ts";
export { ChannelError, isChannelError } from "./channel-error.ts";
export { viewOf, formatDuration } from "./summary.ts";
export type { NotificationView, Link } from "./summary.ts";
export { signWebhook, verifyWebhook, WebhookHeaders } from "./channels/webhook-signature.ts";
export { slackMessage } from "./channels/slack-blocks.ts";
export { GitHubThreadChannel, GITHUB_THREAD_LABEL } from "./channels/github-thread.ts";
export { LinearCommentChannel, LINEAR_ISSUE_LABEL } from "./channels/linear-comment.ts";
export { githubThreads, linearThreads } from "./channels/thread-factories.ts";
