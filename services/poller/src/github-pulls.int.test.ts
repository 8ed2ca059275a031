import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { showFile } from "@nightshift/fake-github";
import type { InProcessServices } from "@nightshift/host";
import { waitFor } from "@nightshift/testkit";
import { AGENT, REPO, startHarness, type Harness } from "./harness.int.ts";

let h: Harness;
let poller: InProcessServices;

beforeAll(async () => {
  h = await startHarness();
  poller = await h.poller({ poller: { cooldown: "200ms" } });
});
afterAll(async () => {
  await h.close();
});

async function agentPull(branch: string, files: Record<string, string>) {
  await h.gh.state.push(REPO, branch, files, `work on ${branch}`);
  return h.gh.state.openPull(REPO, { title: `Agent work: ${branch}`, author: AGENT, head: branch });
}

async function tasksOf(n: number, count = 1) {
  return waitFor(
    async () => {
      const t = await h.tasksFor(poller, n);
      return t.length >= count ? t : undefined;
    },
    { message: `${count} task(s) for #${n}` },
  );
}

describe("the agent's pull requests", () => {
  it("makes a newly failing check a GREEN task on the pull request's branch", async () => {
    const executor = await h.executor();
    const pr = await agentPull("agent/greeting", { "greeting.txt": "hello\n" });
    await waitFor(() => h.gh.exchanges().some((e) => e.path.endsWith(`/pulls/${pr.number}`)));
    h.gh.state.checkRun(REPO, pr.pull!.head.sha, { name: "unit-tests", status: "in_progress" });
    h.gh.state.checkRun(REPO, pr.pull!.head.sha, { name: "lint", conclusion: "success" });
    h.gh.state.checkRun(REPO, pr.pull!.head.sha, {
      name: "unit-tests",
      conclusion: "failure",
      title: "2 tests failed",
    });
    const [task] = await tasksOf(pr.number);
    expect(task!.task.kind).toBe("pr-checks");
    expect(task!.task.repo?.branch).toBe("agent/greeting");
    expect(task!.task.prompt).toContain("unit-tests: failure (2 tests failed)");
    expect(task!.task.prompt).not.toContain("lint");
    const done = await h.finished(executor, task!.id);
    expect(done.state).toBe("succeeded");
    expect(done.result?.pullRequestUrl).toBe(`https://github.test/${REPO}/pull/${pr.number}`);
    // The work landed on the pull request's own branch; no second pull request.
    expect(await showFile(h.gh.state.repo(REPO).dir, "agent/greeting", "PROMPT.md")).toContain(
      "unit-tests",
    );
    expect([...h.gh.state.repo(REPO).issues.values()].filter((i) => i.pull)).toHaveLength(1);
    await waitFor(() => h.statusComments(pr.number)[0]?.body.includes("**done**"));
    await executor.stop();
  });

  it("counts every failing conclusion and legacy commit statuses", async () => {
    const timedOut = await agentPull("agent/slow", { "slow.txt": "1\n" });
    h.gh.state.checkRun(REPO, timedOut.pull!.head.sha, { name: "e2e", conclusion: "timed_out" });
    const [a] = await tasksOf(timedOut.number);
    expect(a!.task.prompt).toContain("e2e: timed_out");

    const legacy = await agentPull("agent/legacy", { "legacy.txt": "1\n" });
    h.gh.state.status(REPO, legacy.pull!.head.sha, { context: "ci/jenkins", state: "pending" });
    h.gh.state.status(REPO, legacy.pull!.head.sha, {
      context: "ci/jenkins",
      state: "error",
      description: "build broke",
    });
    const [b] = await tasksOf(legacy.number);
    expect(b!.task.prompt).toContain("ci/jenkins: error (build broke)");
  });

  it("escalates a RED item and runs no agent for it", async () => {
    const pr = await agentPull("agent/release", { "release.txt": "1\n" });
    h.gh.state.checkRun(REPO, pr.pull!.head.sha, {
      name: "deploy-production",
      conclusion: "failure",
    });
    const esc = await waitFor(async () =>
      (await h.escalations(poller)).find((e) => e.attributes["number"] === String(pr.number)),
    );
    expect(esc).toMatchObject({
      source: "github",
      rule: "deploy-release-security",
      repo: REPO,
      url: `https://github.test/${REPO}/pull/${pr.number}/checks`,
    });
    const approval = await agentPull("agent/approval", { "approval.txt": "1\n" });
    h.gh.state.checkRun(REPO, approval.pull!.head.sha, {
      name: "tests",
      conclusion: "action_required",
    });
    await waitFor(async () =>
      (await h.escalations(poller)).some((e) => e.attributes["number"] === String(approval.number)),
    );
    expect(
      (await h.escalations(poller)).filter((e) => e.attributes["number"] === String(pr.number)),
    ).toHaveLength(1);
    expect(await h.tasksFor(poller, pr.number)).toHaveLength(0);
    expect(await h.tasksFor(poller, approval.number)).toHaveLength(0);
  });

  it("turns a changes-requested review into a task, and ignores reviews by bots and readers", async () => {
    const pr = await agentPull("agent/review", { "review.txt": "1\n" });
    h.gh.state.review(REPO, pr.number, {
      author: "mallory",
      state: "CHANGES_REQUESTED",
      body: "rewrite it all",
    });
    h.gh.state.review(REPO, pr.number, {
      author: "coderabbit[bot]",
      state: "COMMENTED",
      body: "nit",
    });
    h.gh.state.review(REPO, pr.number, {
      author: "bob",
      state: "CHANGES_REQUESTED",
      body: "Close, but not yet.",
      comments: [{ path: "review.txt", line: 1, body: "Use 2 here." }],
    });
    const [task] = await tasksOf(pr.number);
    expect(task!.task.kind).toBe("pr-review");
    expect(task!.task.source.author).toBe("bob");
    expect(task!.task.prompt).toContain("review.txt:1: Use 2 here.");
    expect(task!.task.prompt).not.toContain("rewrite it all");
    expect(task!.task.prompt).not.toContain("nit");
  });

  it("turns a merge conflict with the base branch into a task", async () => {
    const pr = await agentPull("agent/conflict", { "app.txt": "v2 from the agent\n" });
    await waitFor(() => h.gh.exchanges().some((e) => e.path.endsWith(`/pulls/${pr.number}`)));
    await h.gh.state.push(REPO, "main", { "app.txt": "v2 from a person\n" }, "conflicting change");
    const [task] = await tasksOf(pr.number);
    expect(task!.task.kind).toBe("pr-conflict");
    expect(task!.task.prompt).toContain("Merge origin/main into the branch");
  });
});
