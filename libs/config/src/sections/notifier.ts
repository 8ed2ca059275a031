import { z } from "zod";
import { SourceKind } from "@nightshift/contracts";
import { duration } from "../duration.ts";
import { NAME_PATTERN } from "./schedules.ts";

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "must be an environment variable name");

/** Slack incoming webhook; the URL is a secret, so it normally comes from the environment. */
export const SlackChannelConfig = z.strictObject({
  type: z.literal("slack"),
  /** The webhook URL itself; prefer `webhookUrlEnv`. */
  webhookUrl: z.url().optional(),
  /** Environment variable holding the webhook URL when `webhookUrl` is not set. */
  webhookUrlEnv: envName.default("SLACK_WEBHOOK_URL"),
  timeout: duration().default(10_000),
});

/** JSON POST signed with HMAC-SHA256 over `<timestamp>.<body>`. */
export const WebhookChannelConfig = z.strictObject({
  type: z.literal("webhook"),
  url: z.url(),
  /** Environment variable holding the shared signing secret. */
  secretEnv: envName.default("NIGHTSHIFT_WEBHOOK_SECRET"),
  timeout: duration().default(10_000),
});

/** Mail through the email gateway's outbound path (`outbox.email`). */
export const EmailChannelConfig = z.strictObject({
  type: z.literal("email"),
  to: z.array(z.email()).min(1),
  cc: z.array(z.email()).default([]),
});

/** A comment in the task's own source thread (GitHub issue, Linear issue …). */
export const SourceChannelConfig = z.strictObject({
  type: z.literal("source"),
});

export const ChannelConfig = z.discriminatedUnion("type", [
  SlackChannelConfig,
  WebhookChannelConfig,
  EmailChannelConfig,
  SourceChannelConfig,
]);
export type ChannelConfig = z.infer<typeof ChannelConfig>;

/** What can be notified: task states, review rounds and escalations. */
export const NotificationEventName = z.enum([
  "queued",
  "running",
  "waiting",
  "succeeded",
  "failed",
  "blocked",
  "cancelled",
  "round",
  "escalation",
]);
export type NotificationEventName = z.infer<typeof NotificationEventName>;

export const NotificationRule = z.strictObject({
  channels: z.array(z.string()).min(1),
  /** Which events; terminal states and escalations unless given. */
  on: z
    .array(NotificationEventName)
    .min(1)
    .default(["succeeded", "failed", "blocked", "cancelled", "escalation"]),
  /** Only tasks (or escalations) from these sources. */
  sources: z.array(SourceKind).min(1).optional(),
  /** Only these repositories: a URL or path as given to tasks, or `owner/name`. */
  repos: z.array(z.string().min(1)).min(1).optional(),
  /** Only tasks fired by these schedules. */
  schedules: z.array(z.string().min(1)).min(1).optional(),
});
export type NotificationRule = z.infer<typeof NotificationRule>;

export const NotifierConfig = z
  .strictObject({
    channels: z.record(z.string().regex(NAME_PATTERN).max(48), ChannelConfig).default({}),
    rules: z.array(NotificationRule).default([]),
    /** Progress notifications of one task are coalesced to at most one per interval. */
    progressInterval: duration().default(5 * 60_000),
    /** First retry delay of a failed channel; doubles per attempt up to `retryMaxDelay`. */
    retryDelay: duration().default(5_000),
    retryMaxDelay: duration().default(10 * 60_000),
    /** Attempts per notification and channel before giving up on it. */
    maxAttempts: z.number().int().min(1).default(10),
    /** Link to a task in messages; `{taskId}` is replaced. */
    taskUrl: z.string().includes("{taskId}").optional(),
  })
  .superRefine((c, ctx) => {
    c.rules.forEach((rule, i) => {
      rule.channels.forEach((name, j) => {
        if (!(name in c.channels)) {
          ctx.addIssue({
            code: "custom",
            path: ["rules", i, "channels", j],
            message: `names channel "${name}", which is not defined under notifier.channels (defined: ${Object.keys(c.channels).join(", ") || "none"})`,
          });
        }
      });
    });
    if (c.retryMaxDelay < c.retryDelay) {
      ctx.addIssue({
        code: "custom",
        path: ["retryMaxDelay"],
        message: "must be at least retryDelay",
      });
    }
  });
export type NotifierConfig = z.infer<typeof NotifierConfig>;
