import type { NotificationChannel } from "../channel.ts";
import { viewOf } from "../summary.ts";
import { postJson } from "./http-post.ts";
import { slackMessage } from "./slack-blocks.ts";

/** Posts Block Kit messages to a Slack incoming webhook. */
export function slackChannel(opts: {
  name: string;
  webhookUrl: string;
  timeoutMs: number;
  taskUrl?: string | undefined;
}): NotificationChannel {
  return {
    name: opts.name,
    async send(n) {
      const body = JSON.stringify(slackMessage(viewOf(n, opts.taskUrl)));
      // The webhook URL is a secret: errors name the channel, never the URL.
      await postJson(
        opts.webhookUrl,
        body,
        {},
        opts.timeoutMs,
        `Slack webhook of channel ${opts.name}`,
      );
    },
  };
}
