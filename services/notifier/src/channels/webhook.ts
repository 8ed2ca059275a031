import type { Notification, NotificationChannel } from "../channel.ts";
import { viewOf } from "../summary.ts";
import { postJson } from "./http-post.ts";
import { signWebhook, WebhookHeaders } from "./webhook-signature.ts";

/** The JSON body of a webhook delivery. */
export function webhookBody(n: Notification, taskUrl: string | undefined, sentAt: Date): unknown {
  const r = n.record;
  const view = viewOf(n, taskUrl);
  return {
    v: 1,
    id: n.id,
    kind: n.kind,
    sentAt: sentAt.toISOString(),
    headline: view.headline,
    title: view.title,
    links: view.links,
    ...(r
      ? {
          task: {
            id: r.id,
            state: r.state,
            reason: r.reason,
            detail: r.detail,
            attempts: r.attempts,
            source: r.task.source,
            repo: r.task.repo,
            backend: r.task.backend,
            createdAt: r.createdAt,
            startedAt: r.startedAt,
            finishedAt: r.finishedAt,
            durationMs:
              r.finishedAt !== undefined
                ? Date.parse(r.finishedAt) - Date.parse(r.startedAt ?? r.createdAt)
                : undefined,
            usage: r.usage,
            result: r.result,
          },
        }
      : {}),
    events: n.events,
    ...(n.escalation ? { escalation: n.escalation } : {}),
  };
}

/** POSTs JSON signed with HMAC-SHA256 over `<timestamp>.<body>`; the delivery id lets receivers dedupe. */
export function webhookChannel(opts: {
  name: string;
  url: string;
  secret: string;
  timeoutMs: number;
  taskUrl?: string | undefined;
}): NotificationChannel {
  return {
    name: opts.name,
    async send(n) {
      const now = new Date();
      const body = JSON.stringify(webhookBody(n, opts.taskUrl, now));
      const timestamp = Math.floor(now.getTime() / 1000);
      await postJson(
        opts.url,
        body,
        {
          [WebhookHeaders.timestamp]: String(timestamp),
          [WebhookHeaders.signature]: signWebhook(opts.secret, timestamp, body),
          [WebhookHeaders.delivery]: n.id,
          [WebhookHeaders.event]: n.kind,
        },
        opts.timeoutMs,
        `webhook ${opts.url}`,
      );
    },
  };
}
