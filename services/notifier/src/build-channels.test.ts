import { describe, expect, it } from "vitest";
import { parseConfig } from "@nightshift/config";
import type { Bus } from "@nightshift/messaging";
import { createLogger } from "@nightshift/runtime";
import { buildChannels } from "./build-channels.ts";
import type { ChannelContext, NotificationChannel } from "./channel.ts";

function ctx(env: Record<string, string>, channels: Record<string, unknown>): ChannelContext {
  const { config, secrets } = parseConfig({ notifier: { channels } }, {});
  return {
    bus: { js: {} } as unknown as Bus,
    config,
    secrets,
    env,
    log: createLogger({ level: "silent", format: "json", base: {}, secrets: [] }),
  };
}

const channels = {
  hook: { type: "webhook", url: "https://example.com/h", secretEnv: "HOOK_SECRET" },
  team: { type: "slack" },
  other: { type: "slack", webhookUrlEnv: "OTHER_SLACK" },
  literal: { type: "slack", webhookUrl: "https://hooks.slack.com/services/T/B/X" },
  mail: { type: "email", to: ["a@example.com"] },
  threads: { type: "source" },
};

describe("buildChannels", () => {
  it("names every missing secret at once", () => {
    expect(() => buildChannels(ctx({ HOOK_SECRET: "short" }, channels), {})).toThrow(
      [
        "notifier channels cannot start:",
        "  channel hook (webhook): set HOOK_SECRET to the signing secret (16 characters or more)",
        "  channel team (slack): set SLACK_WEBHOOK_URL or webhookUrl",
        "  channel other (slack): set OTHER_SLACK or webhookUrl",
        "  channel threads (source): no source-thread channels are registered in this build",
      ].join("\n"),
    );
  });

  it("builds every channel from config and environment, and the registered source threads", () => {
    const thread: NotificationChannel = { name: "gh", send: () => Promise.resolve() };
    const built = buildChannels(
      ctx(
        {
          HOOK_SECRET: "0123456789abcdef",
          SLACK_WEBHOOK_URL: "https://hooks.slack.com/a",
          OTHER_SLACK: "https://hooks.slack.com/b",
        },
        channels,
      ),
      { github: () => thread },
    );
    expect([...built.keys()]).toEqual(["hook", "team", "other", "literal", "mail", "threads"]);
    expect(
      built.get("threads")!.accepts?.({
        id: "e-1",
        kind: "escalation",
        events: [],
        escalation: {
          v: 1,
          id: "e-1",
          at: "2026-11-21T00:00:00.000Z",
          source: "github",
          rule: "r",
          title: "t",
          reason: "r",
          attributes: {},
        },
      }),
    ).toBe(true);
  });
});
