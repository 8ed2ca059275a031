import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitHubConfig } from "@nightshift/config";
import { Task, type Escalation, type TaskRecord } from "@nightshift/contracts";
import { startFakeGitHub, type FakeGitHub } from "@nightshift/fake-github";
import { startFakeLinear, type FakeLinear } from "@nightshift/fake-linear";
import { connectGitHub } from "@nightshift/github";
import { LinearApi, linearRequest } from "@nightshift/linear";
import { newRecord } from "@nightshift/messaging";
import type { Notification } from "../channel.ts";
import { buildChannels } from "../build-channels.ts";
import { parseConfig } from "@nightshift/config";
import { createLogger } from "@nightshift/runtime";
import { GitHubThreadChannel } from "./github-thread.ts";
import { githubThreads, linearThreads } from "./thread-factories.ts";
import { LinearCommentChannel } from "./linear-comment.ts";

let gh: FakeGitHub;
let linear: FakeLinear;

beforeAll(async () => {
  gh = await startFakeGitHub();
  await gh.state.createRepo("acme/web", { collaborators: { bot: "write" } });
  linear = await startFakeLinear();
});
afterAll(async () => {
  await gh.stop();
  await linear.stop();
});

function record(
  source: Record<string, unknown>,
  labels: Record<string, string> = {},
  state: TaskRecord["state"] = "failed",
): TaskRecord {
  const task = Task.parse({
    v: 1,
    id: "t-abcdef123",
    createdAt: new Date().toISOString(),
    source,
    prompt: "do it",
    labels,
  });
  return {
    ...newRecord(task),
    state,
    reason: "exit-code",
    detail: "agent exited with code 3 using ghp_abcdefghijklmnopqrstuvwxyz0123",
  };
}

const escalation = (e: Partial<Escalation>): Escalation => ({
  v: 1,
  id: "esc-abc",
  at: new Date().toISOString(),
  source: "github",
  rule: "deploy-release-security",
  title: "failing checks on acme/web#1: deploy",
  reason: "a person should handle this",
  attributes: {},
  ...e,
});

describe("thread channels", () => {
  it("posts a GitHub item's escalation on its thread once, and leaves GitHub tasks to their status comment", async () => {
    const issue = gh.state.openIssue("acme/web", { title: "x", author: "bob" });
    const api = connectGitHub(
      GitHubConfig.parse({ apiUrl: gh.url, contentSpacing: 0, writeSpacing: 0 }),
      { GITHUB_TOKEN: gh.token("bot") },
    )!;
    const ch = new GitHubThreadChannel(api, ["ghp_abcdefghijklmnopqrstuvwxyz0123"]);
    const esc: Notification = {
      id: "esc:esc-abc",
      kind: "escalation",
      events: [],
      escalation: escalation({
        repo: "acme/web",
        url: "https://github.test/acme/web/pull/1/checks",
        attributes: { number: String(issue.number) },
      }),
    };
    expect(ch.accepts(esc)).toBe(true);
    await ch.send(esc);
    await ch.send(esc);
    const comments = [...gh.state.repo("acme/web").comments.values()].filter(
      (c) => c.issue === issue.number,
    );
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain("needs a person here");
    const fromGitHub = record({
      kind: "github",
      attributes: {
        repo: "acme/web",
        number: "1",
        thread: "issue",
        trigger: "issue",
        target: "acme/web",
      },
    });
    expect(ch.accepts({ id: "n1", kind: "terminal", events: [], record: fromGitHub })).toBe(false);
    const scheduled = record({ kind: "schedule" }, { "github.thread": `acme/web#${issue.number}` });
    const n: Notification = { id: "n2", kind: "terminal", events: [], record: scheduled };
    expect(ch.accepts(n)).toBe(true);
    await ch.send(n);
    const all = [...gh.state.repo("acme/web").comments.values()].filter(
      (c) => c.issue === issue.number,
    );
    expect(all).toHaveLength(2);
    expect(all[1]!.body).toContain("is **failed**");
    expect(all[1]!.body).not.toContain("ghp_abcdefghijklmnopqrstuvwxyz0123");
    expect(
      ch.accepts({ id: "n3", kind: "terminal", events: [], record: record({ kind: "cli" }) }),
    ).toBe(false);
  });

  it("comments on the Linear issue a task from elsewhere names, once", async () => {
    const agent = linear.data.addUser("Agent");
    linear.data.addTeam("ENG");
    const issue = linear.data.createIssue({
      team: "ENG",
      title: "tracking",
      state: "Todo",
      creator: agent,
    });
    const ch = new LinearCommentChannel(
      new LinearApi(linearRequest({ apiKey: agent.apiKey, apiUrl: linear.url })),
    );
    const n: Notification = {
      id: "n9",
      kind: "terminal",
      events: [],
      record: record({ kind: "cli" }, { "linear.issue": issue.identifier }, "succeeded"),
    };
    expect(ch.accepts(n)).toBe(true);
    await ch.send(n);
    await ch.send(n);
    expect(linear.data.commentsOf(issue.id)).toHaveLength(1);
    const fromLinear = record(
      { kind: "linear", attributes: { issueId: issue.id } },
      { "linear.issue": issue.id },
    );
    expect(ch.accepts({ id: "n10", kind: "terminal", events: [], record: fromLinear })).toBe(false);
    expect(
      ch.accepts({
        id: "e",
        kind: "escalation",
        events: [],
        escalation: escalation({ source: "linear", attributes: { issueId: issue.id } }),
      }),
    ).toBe(true);
  });

  it("plugs into the notifier's `type: source` channel by source kind, and declines without credentials", async () => {
    const issue = gh.state.openIssue("acme/web", { title: "routed", author: "bob" });
    const log = createLogger({ level: "silent", format: "json", base: {}, secrets: [] });
    const raw = {
      github: { apiUrl: gh.url, contentSpacing: 0, writeSpacing: 0 },
      notifier: { channels: { threads: { type: "source" } } },
    };
    const withToken = parseConfig(raw, { GITHUB_TOKEN: gh.token("bot") });
    const ctx = { bus: undefined as never, env: {}, log, ...withToken };
    const channels = buildChannels(ctx, { github: githubThreads, linear: linearThreads });
    const threads = channels.get("threads")!;
    const n: Notification = {
      id: "esc:routed",
      kind: "escalation",
      events: [],
      escalation: escalation({
        id: "esc-routed",
        repo: "acme/web",
        attributes: { number: String(issue.number) },
      }),
    };
    expect(threads.accepts?.(n)).toBe(true);
    await threads.send(n);
    expect(
      [...gh.state.repo("acme/web").comments.values()].filter((c) => c.issue === issue.number),
    ).toHaveLength(1);
    const bare = parseConfig(raw, {});
    const declined = buildChannels(
      { ...ctx, ...bare },
      { github: githubThreads, linear: linearThreads },
    ).get("threads")!;
    expect(declined.accepts?.(n)).toBe(false);
  });
});
