import type { SourceKind } from "@nightshift/contracts";
import { NightshiftError } from "@nightshift/errors";
import type { ChannelContext, NotificationChannel, SourceThreads } from "./channel.ts";
import { emailChannel } from "./channels/email.ts";
import { slackChannel } from "./channels/slack.ts";
import { sourceThreadChannel } from "./channels/source-thread.ts";
import { webhookChannel } from "./channels/webhook.ts";

/**
 * Builds every configured channel. Secrets come from the environment (Slack webhook URLs,
 * webhook signing secrets); every missing one is reported at once.
 */
export function buildChannels(
  ctx: ChannelContext,
  sourceThreads: SourceThreads,
): Map<string, NotificationChannel> {
  const { channels, taskUrl } = ctx.config.notifier;
  const out = new Map<string, NotificationChannel>();
  const problems: string[] = [];
  let threads: Map<SourceKind, NotificationChannel> | undefined;
  for (const [name, cfg] of Object.entries(channels)) {
    switch (cfg.type) {
      case "slack": {
        const url = cfg.webhookUrl ?? ctx.env[cfg.webhookUrlEnv];
        if (url === undefined || url === "") {
          problems.push(`channel ${name} (slack): set ${cfg.webhookUrlEnv} or webhookUrl`);
          break;
        }
        out.set(name, slackChannel({ name, webhookUrl: url, timeoutMs: cfg.timeout, taskUrl }));
        break;
      }
      case "webhook": {
        const secret = ctx.env[cfg.secretEnv];
        if (secret === undefined || secret.length < 16) {
          problems.push(
            `channel ${name} (webhook): set ${cfg.secretEnv} to the signing secret (16 characters or more)`,
          );
          break;
        }
        out.set(
          name,
          webhookChannel({ name, url: cfg.url, secret, timeoutMs: cfg.timeout, taskUrl }),
        );
        break;
      }
      case "email":
        out.set(name, emailChannel({ name, to: cfg.to, cc: cfg.cc, js: ctx.bus.js, taskUrl }));
        break;
      case "source": {
        if (threads === undefined) {
          threads = new Map();
          for (const [kind, factory] of Object.entries(sourceThreads))
            if (factory) threads.set(kind as SourceKind, factory(ctx));
        }
        if (threads.size === 0) {
          problems.push(
            `channel ${name} (source): no source-thread channels are registered in this build`,
          );
          break;
        }
        out.set(name, sourceThreadChannel(name, threads));
        break;
      }
    }
  }
  if (problems.length > 0) {
    throw new NightshiftError(
      "CONFIG_INVALID",
      `notifier channels cannot start:\n  ${problems.join("\n  ")}`,
    );
  }
  return out;
}
