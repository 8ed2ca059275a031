import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ConfigError } from "../config-error.ts";
import { EXAMPLE_CONFIG } from "../example.ts";
import { parseConfig } from "../load.ts";

function issues(raw: Record<string, unknown>): { path: string; message: string }[] {
  try {
    parseConfig(raw, {});
  } catch (err) {
    if (err instanceof ConfigError) return [...err.issues];
    throw err;
  }
  throw new Error("expected a ConfigError");
}

/** The commented-out `schedules:` and `notifier:` sections of the example, uncommented. */
function exampleSections(): Record<string, unknown> {
  const lines = EXAMPLE_CONFIG.split("\n");
  const out: string[] = [];
  let inside = false;
  for (const line of lines) {
    if (/^# (schedules|notifier):$/.test(line)) inside = true;
    else if (!line.startsWith("# ") || /^# [A-Z]/.test(line)) inside = false;
    if (inside && !/^#\s+#/.test(line)) out.push(line.slice(2));
  }
  return parse(out.join("\n")) as Record<string, unknown>;
}

describe("schedules config", () => {
  it("applies defaults to a minimal schedule", () => {
    const { config } = parseConfig(
      { schedules: { nightly: { cron: "0 2 * * *", task: { prompt: "x" } } } },
      {},
    );
    expect(config.schedules["nightly"]).toEqual({
      cron: "0 2 * * *",
      timezone: "UTC",
      enabled: true,
      jitter: 0,
      missed: "skip",
      grace: 300_000,
      task: { prompt: "x", limits: {}, labels: {} },
    });
    expect(parseConfig({}, {}).config.schedules).toEqual({});
  });

  it("parses every key of a schedule", () => {
    const { config } = parseConfig(
      {
        schedules: {
          a: {
            cron: "*/10 * * * * *",
            timezone: "America/New_York",
            enabled: false,
            jitter: "30s",
            missed: "run-once",
            grace: "2m",
            gate: { type: "command", command: "true", timeout: "5s", cwd: "/tmp" },
            task: {
              card: { goal: "g" },
              repo: "/srv/repo",
              base: "main",
              backend: "shell",
              model: "m",
              mode: "supervised",
              limits: { timeout: "10m", maxTurns: 3, maxCostUsd: 1.5 },
              labels: { k: "v" },
            },
          },
          b: {
            cron: "0 * * * *",
            gate: { type: "github-issues", repo: "acme/web", label: "agent" },
            task: { prompt: "p" },
          },
        },
      },
      {},
    );
    const a = config.schedules["a"]!;
    expect(a).toMatchObject({ enabled: false, jitter: 30_000, missed: "run-once", grace: 120_000 });
    expect(a.gate).toEqual({ type: "command", command: "true", timeout: 5_000, cwd: "/tmp" });
    expect(a.task.limits).toEqual({ timeout: 600_000, maxTurns: 3, maxCostUsd: 1.5 });
    expect(config.schedules["b"]!.gate).toEqual({
      type: "github-issues",
      repo: "acme/web",
      label: "agent",
    });
    expect(config.schedules["b"]!.gate?.type).toBe("github-issues");
  });

  it("reports every problem with its path", () => {
    const found = issues({
      schedules: {
        "Bad.Name": { cron: "0 2 * * *", task: { prompt: "x" } },
        badcron: { cron: "61 * * * *", task: { prompt: "x" } },
        badzone: { cron: "0 2 * * *", timezone: "Mars/Olympus", task: { prompt: "x" } },
        never: { cron: "0 0 30 2 *", task: { prompt: "x" } },
        notask: { cron: "0 2 * * *", task: {} },
        badgate: {
          cron: "0 2 * * *",
          gate: { type: "github-issues", repo: "web", label: "x" },
          task: { prompt: "x" },
        },
        badpolicy: { cron: "0 2 * * *", missed: "catch-up", task: { prompt: "x" } },
        extra: { cron: "0 2 * * *", task: { prompt: "x" }, every: "1h" },
      },
    });
    const paths = found.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "schedules.Bad.Name",
        "schedules.badcron.cron",
        "schedules.badzone.timezone",
        "schedules.never.cron",
        "schedules.notask.task",
        "schedules.badgate.gate.repo",
        "schedules.badpolicy.missed",
        "schedules.extra",
      ]),
    );
    expect(found.find((i) => i.path === "schedules.badcron.cron")?.message).toMatch(/minute/);
    expect(found.find((i) => i.path === "schedules.badzone.timezone")?.message).toMatch(
      /unknown time zone "Mars\/Olympus"/,
    );
  });
});

describe("notifier config", () => {
  it("applies defaults", () => {
    const { config } = parseConfig({}, {});
    expect(config.notifier).toEqual({
      channels: {},
      rules: [],
      progressInterval: 300_000,
      retryDelay: 5_000,
      retryMaxDelay: 600_000,
      maxAttempts: 10,
    });
  });

  it("parses every channel type and rule key", () => {
    const { config } = parseConfig(
      {
        notifier: {
          progressInterval: "1m",
          retryDelay: "1s",
          retryMaxDelay: "1m",
          maxAttempts: 4,
          taskUrl: "https://ns.example.com/t/{taskId}",
          channels: {
            slack: {
              type: "slack",
              webhookUrl: "https://hooks.slack.com/services/T/B/X",
              timeout: "3s",
            },
            "slack-env": { type: "slack", webhookUrlEnv: "TEAM_SLACK_URL" },
            hook: {
              type: "webhook",
              url: "https://example.com/h",
              secretEnv: "HOOK_SECRET",
              timeout: "2s",
            },
            mail: { type: "email", to: ["a@example.com"], cc: ["b@example.com"] },
            thread: { type: "source" },
          },
          rules: [
            { channels: ["slack"] },
            {
              channels: ["hook", "mail"],
              on: ["running", "failed", "escalation"],
              sources: ["schedule", "github"],
              repos: ["acme/web"],
              schedules: ["nightly"],
            },
          ],
        },
      },
      {},
    );
    const n = config.notifier;
    expect(n).toMatchObject({
      progressInterval: 60_000,
      retryDelay: 1_000,
      retryMaxDelay: 60_000,
      maxAttempts: 4,
    });
    expect(n.channels["slack"]).toEqual({
      type: "slack",
      webhookUrl: "https://hooks.slack.com/services/T/B/X",
      webhookUrlEnv: "SLACK_WEBHOOK_URL",
      timeout: 3_000,
    });
    expect(n.channels["hook"]).toEqual({
      type: "webhook",
      url: "https://example.com/h",
      secretEnv: "HOOK_SECRET",
      timeout: 2_000,
    });
    expect(n.channels["mail"]).toEqual({
      type: "email",
      to: ["a@example.com"],
      cc: ["b@example.com"],
    });
    expect(n.rules[0]!.on).toEqual(["succeeded", "failed", "blocked", "cancelled", "escalation"]);
    expect(n.rules[1]).toMatchObject({
      sources: ["schedule", "github"],
      repos: ["acme/web"],
      schedules: ["nightly"],
    });
  });

  it("reports every problem with its path", () => {
    const paths = issues({
      notifier: {
        taskUrl: "https://ns.example.com/tasks",
        channels: {
          s: { type: "slack", webhookUrlEnv: "lower-case" },
          w: { type: "webhook", url: "not a url" },
          e: { type: "email", to: ["nobody"] },
          x: { type: "pager" },
        },
        rules: [{ channels: ["s", "ghost"], on: ["finished"], sources: ["fax"] }],
      },
    }).map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "notifier.taskUrl",
        "notifier.channels.s.webhookUrlEnv",
        "notifier.channels.w.url",
        "notifier.channels.e.to.0",
        "notifier.channels.x.type",
        "notifier.rules.0.on.0",
        "notifier.rules.0.sources.0",
      ]),
    );
    // Cross-key checks run once every key is valid on its own.
    expect(issues({ notifier: { retryDelay: "1m", retryMaxDelay: "10s" } })).toEqual([
      { path: "notifier.retryMaxDelay", message: "must be at least retryDelay" },
    ]);
    const ghost = issues({
      notifier: { channels: { s: { type: "source" } }, rules: [{ channels: ["s", "ghost"] }] },
    });
    expect(ghost).toEqual([
      {
        path: "notifier.rules.0.channels.1",
        message: 'names channel "ghost", which is not defined under notifier.channels (defined: s)',
      },
    ]);
  });
});

describe("the example configuration", () => {
  it("has commented schedules and notifier sections that are valid when uncommented", () => {
    const sections = exampleSections();
    expect(Object.keys(sections).sort()).toEqual(["notifier", "schedules"]);
    const { config } = parseConfig(sections, {});
    expect(config.schedules["nightly-deps"]?.gate?.type).toBe("command");
    expect(Object.keys(config.notifier.channels).sort()).toEqual([
      "ci",
      "oncall",
      "team",
      "threads",
    ]);
    expect(config.notifier.rules).toHaveLength(3);
  });
});
