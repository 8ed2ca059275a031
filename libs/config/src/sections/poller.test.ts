import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { ConfigError } from "../config-error.ts";
import { EXAMPLE_CONFIG } from "../example.ts";
import { parseConfig } from "../load.ts";
import { DEFAULT_TRIAGE } from "./poller.ts";

function issuesOf(raw: unknown, env: Record<string, string> = {}): string[] {
  try {
    parseConfig(raw, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => i.path);
    throw err;
  }
  return [];
}

/** The example with its commented `github:` and `poller:` sections switched on. */
function uncommentedExample(): Record<string, unknown> {
  const lines = EXAMPLE_CONFIG.split("\n");
  const from = lines.findIndex((l) => l === "# github:");
  const text = lines
    .map((l, i) => (i >= from && /^# (github|poller| {2})/.test(l) ? l.slice(2) : l))
    .join("\n");
  return parseDocument(text).toJS() as Record<string, unknown>;
}

describe("github and poller config", () => {
  it("has working defaults with nothing configured", () => {
    const { config } = parseConfig({}, {});
    expect(config.github).toEqual({
      apiUrl: "https://api.github.com",
      requestTimeout: 30_000,
      retries: 1,
      maxRateLimitWait: 60_000,
      writeSpacing: 1_000,
      contentSpacing: 3_000,
      pullRequests: { draft: false, labels: [] },
      labels: {
        inProgress: "nightshift:in-progress",
        done: "nightshift:done",
        failed: "nightshift:failed",
        blocked: "nightshift:blocked",
      },
    });
    expect(config.poller).toMatchObject({
      interval: 60_000,
      webhookInterval: 600_000,
      conditionalRequests: true,
      cooldown: 300_000,
      maxAttempts: 3,
      allowUsers: [],
      allowBots: [],
      webhook: { path: "/webhooks/github" },
      github: { repos: [] },
      linear: { apiUrl: "https://api.linear.app/graphql", interval: 60_000, queues: [] },
      files: [],
    });
    expect(config.poller.triage).toEqual(DEFAULT_TRIAGE);
  });

  it("reads every key of the commented example once switched on", () => {
    const { config } = parseConfig(uncommentedExample(), {});
    expect(config.github).toEqual({
      apiUrl: "https://api.github.com",
      login: "my-agent",
      installationId: 12345,
      requestTimeout: 30_000,
      retries: 1,
      maxRateLimitWait: 60_000,
      writeSpacing: 1_000,
      contentSpacing: 3_000,
      pullRequests: { draft: false, labels: ["nightshift"] },
      labels: {
        inProgress: "nightshift:in-progress",
        done: "nightshift:done",
        failed: "nightshift:failed",
        blocked: "nightshift:blocked",
      },
    });
    const p = config.poller;
    expect(p.allowUsers).toEqual(["contractor-jo"]);
    expect(p.allowBots).toEqual(["renovate[bot]"]);
    expect(p.backend).toBe("shell");
    expect(p.triage).toEqual([
      {
        name: "deploys-need-a-person",
        class: "red",
        when: { trigger: ["checks"], check: "deploy|release" },
      },
    ]);
    expect(p.github.repos).toEqual([
      {
        repo: "acme/web",
        label: "nightshift",
        assigned: true,
        mentions: true,
        dispatch: "copilot-agent",
        base: "main",
        pulls: { label: "nightshift-watch", checks: true, reviews: true, conflicts: true },
      },
    ]);
    expect(p.linear.queues).toEqual([
      {
        team: "ENG",
        state: "Ready",
        label: "agent",
        repo: "https://github.com/acme/web.git",
        base: "main",
        startedState: "In Progress",
        doneState: "In Review",
        failedState: "Triage",
      },
    ]);
    expect(p.files).toEqual([{ dir: "tasks", repo: "/srv/repos/web", interval: 10_000 }]);
  });

  it("takes GITHUB_API_URL from the environment", () => {
    const { config } = parseConfig({}, { GITHUB_API_URL: "https://ghe.example/api/v3" });
    expect(config.github.apiUrl).toBe("https://ghe.example/api/v3");
  });

  it("reports bad values with their paths", () => {
    expect(
      issuesOf({
        github: { apiUrl: "not a url", retries: 9, labels: { done: "" } },
        poller: {
          maxAttempts: 0,
          webhook: { path: "webhooks" },
          triage: [{ name: "x", class: "amber", when: { check: "(" } }],
          github: { repos: [{ repo: "no-slash", label: true, pulls: { sometimes: true } }] },
          linear: {
            queues: [
              { team: "ENG", repo: "/r" },
              { team: "ENG", state: "Todo", repo: "/r", failedState: "Todo" },
            ],
          },
          files: [{ interval: "soon" }],
        },
      }).sort(),
    ).toEqual(
      [
        "github.apiUrl",
        "github.retries",
        "github.labels.done",
        "poller.maxAttempts",
        "poller.webhook.path",
        "poller.triage.0.class",
        "poller.triage.0.when.check",
        "poller.github.repos.0.repo",
        "poller.github.repos.0.label",
        "poller.github.repos.0.pulls",
        "poller.linear.queues.0",
        "poller.linear.queues.1.failedState",
        "poller.files.0.dir",
        "poller.files.0.interval",
      ].sort(),
    );
  });

  it("checks that the poller's backend exists", () => {
    expect(issuesOf({ poller: { backend: "ghost" } })).toEqual(["poller.backend"]);
  });

  it("turns a repository's label trigger off with false and lets it override triage", () => {
    const { config } = parseConfig(
      { poller: { github: { repos: [{ repo: "a/b", label: false, triage: [] }] } } },
      {},
    );
    expect(config.poller.github.repos[0]).toMatchObject({ label: false, triage: [] });
  });
});
