import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { hasMarker, parseMarkers } from "@nightshift/github";
import { waitFor } from "@nightshift/testkit";
import { AGENT, REPO, startHarness, type Harness } from "./harness.int.ts";

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  await h.gh.state.createRepo("acme/api", { collaborators: { [AGENT]: "write" } });
});
afterEach(async () => {
  await h.stopAll();
});
afterAll(async () => {
  await h.close();
});

const openPulls = (repo: string) =>
  [...h.gh.state.repo(repo).issues.values()].filter((i) => i.pull && i.state === "open");

describe("more GitHub sources", () => {
  it("runs a seed-format dispatch issue in its target repository, with the metadata the dispatcher correlates on", async () => {
    const executor = await h.executor();
    const poller = await h.poller({
      poller: { github: { repos: [{ repo: REPO, dispatch: "copilot-agent", label: false }] } },
    });
    const body = [
      "**Task ID:** 7f3c",
      "**User ID:** u-1",
      "**Target Repository:** `acme/api`",
      "",
      "## Instructions",
      "Add a health endpoint to the API.",
      "",
      "<!-- agent_task_metadata",
      '{"task_id": "7f3c", "user_id": "u-1", "provider": "github_issue_dispatch"}',
      "-->",
    ].join("\n");
    const issue = h.gh.state.openIssue(REPO, {
      title: "Add a health endpoint",
      body,
      author: "alice",
      labels: ["copilot-agent"],
    });
    const [task] = await waitFor(async () => {
      const t = await h.tasksFor(poller, issue.number);
      return t.length > 0 ? t : undefined;
    });
    expect(task!.task.kind).toBe("dispatch");
    expect(task!.task.repo?.url).toBe(h.gh.state.repo("acme/api").dir);
    expect(task!.task.prompt).toContain("Add a health endpoint to the API.");
    expect(task!.task.prompt).not.toContain("agent_task_metadata");
    await h.finished(executor, task!.id);
    const pr = await waitFor(() => openPulls("acme/api")[0]);
    expect(pr.title).toBe("Agent task: Add a health endpoint");
    expect(pr.body).toContain(`Fixes ${REPO}#${issue.number}`);
    expect(pr.body).toMatch(
      /<!-- agent_task_metadata\n\{"task_id":"7f3c","user_id":"u-1","provider":"github_issue_dispatch"\}\n-->/,
    );
    await waitFor(() =>
      h.statusComments(issue.number)[0]?.body.includes(`acme/api/pull/${pr.number}`),
    );
    await poller.stop();
    await executor.stop();
  });

  it("takes an issue assigned to the agent, and a follow-up mention updates the same pull request", async () => {
    const executor = await h.executor();
    const poller = await h.poller({ poller: { cooldown: "100ms" } });
    const issue = h.gh.state.openIssue(REPO, {
      title: "Assigned work",
      body: "Do the thing.",
      author: "alice",
    });
    h.gh.state.assign(REPO, issue.number, AGENT, "alice");
    const [first] = await waitFor(async () => {
      const t = await h.tasksFor(poller, issue.number);
      return t.length > 0 ? t : undefined;
    });
    expect(first!.task.source.ref).toContain(":assigned-");
    await h.finished(executor, first!.id);
    const pr = await waitFor(() =>
      openPulls(REPO).find((p) => hasMarker(p.body, { issue: `${REPO}#${issue.number}` })),
    );
    h.gh.state.comment(REPO, issue.number, "alice", "@nightshift-bot also update the README");
    const second = await waitFor(async () => {
      const t = await h.tasksFor(poller, issue.number);
      return t.length === 2 ? t[1] : undefined;
    });
    expect(second.task.repo?.branch).toBe(pr.pull!.head.ref);
    expect(second.task.followUpOf).toBe(first!.id);
    await h.finished(executor, second.id);
    await waitFor(() => parseMarkers(pr.body).filter((m) => m["task"]).length === 2);
    expect(
      openPulls(REPO).filter((p) => hasMarker(p.body, { issue: `${REPO}#${issue.number}` })),
    ).toHaveLength(1);
    await poller.stop();
    await executor.stop();
  });

  it("makes a trigger inside the cooldown wait, then run: none is lost", async () => {
    const poller = await h.poller({ poller: { cooldown: "1500ms" } });
    const issue = h.gh.state.openIssue(REPO, { title: "Two asks", author: "bob" });
    h.gh.state.comment(REPO, issue.number, "bob", "@nightshift-bot first request");
    await waitFor(async () => (await h.tasksFor(poller, issue.number)).length === 1);
    const t1 = Date.now();
    h.gh.state.comment(REPO, issue.number, "bob", "@nightshift-bot second request");
    const tasks = await waitFor(async () => {
      const t = await h.tasksFor(poller, issue.number);
      return t.length === 2 ? t : undefined;
    });
    const waited = Date.parse(tasks[1]!.createdAt) - Date.parse(tasks[0]!.createdAt);
    expect(waited).toBeGreaterThanOrEqual(1400);
    expect(Date.now() - t1).toBeLessThan(5000);
    expect(tasks.map((t) => t.task.source.snapshot?.body)).toEqual([
      "first request",
      "second request",
    ]);
    await poller.stop();
  });

  it("stops after the cap on automatic triggers with one comment, and a person asking again starts over", async () => {
    const poller = await h.poller({ poller: { cooldown: "100ms", maxAttempts: 1 } });
    await h.gh.state.push(REPO, "agent/flaky", { "flaky.txt": "1\n" });
    const pr = await h.gh.state.openPull(REPO, {
      title: "Flaky",
      author: AGENT,
      head: "agent/flaky",
    });
    const fail = async (n: number): Promise<void> => {
      const sha = await h.gh.state.push(REPO, "agent/flaky", { "flaky.txt": `${n}\n` });
      h.gh.state.checkRun(REPO, sha, { name: "tests", conclusion: "failure" });
    };
    await fail(2);
    await waitFor(async () => (await h.tasksFor(poller, pr.number)).length === 1);
    await fail(3);
    const gaveUp = () =>
      [...h.gh.state.repo(REPO).comments.values()].filter(
        (c) => c.issue === pr.number && hasMarker(c.body, { kind: "gave-up" }),
      );
    await waitFor(() => gaveUp().length === 1);
    expect(gaveUp()[0]!.body).toContain("has run 1 task");
    await fail(4);
    const seen = h.gh.exchanges().length;
    await waitFor(
      () =>
        h.gh
          .exchanges()
          .slice(seen)
          .filter((e) => e.path.endsWith("/check-runs")).length >= 2,
    );
    expect(gaveUp()).toHaveLength(1);
    expect(await h.tasksFor(poller, pr.number)).toHaveLength(1);
    h.gh.state.comment(REPO, pr.number, "alice", "@nightshift-bot fix the flaky test");
    await waitFor(async () => (await h.tasksFor(poller, pr.number)).length === 2);
    await poller.stop();
  });
});
