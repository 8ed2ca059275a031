import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@nightshift/testkit";
import { REPO, startHarness, type Harness } from "./harness.int.ts";

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stopAll();
});
afterAll(async () => {
  await h.close();
});

function pullCount(): number {
  return [...h.gh.state.repo(REPO).issues.values()].filter((i) => i.pull).length;
}

/** Waits until the poller has listed the repository twice more (so it saw everything). */
async function twoMorePolls(): Promise<void> {
  const from = h.gh.exchanges().length;
  await waitFor(
    () =>
      h.gh
        .exchanges()
        .slice(from)
        .filter((e) => /\/repos\/acme\/web\/issues$/.test(e.path)).length >= 2,
    { message: "two more polls" },
  );
}

describe("exactly one response per trigger", () => {
  it("creates no second task, comment or pull request however often the poller restarts", async () => {
    const executor = await h.executor();
    let poller = await h.poller();
    const issue = h.gh.state.openIssue(REPO, {
      title: "Restart me",
      body: "Write something.",
      author: "alice",
      labels: ["nightshift"],
    });
    // Restart right after the task was accepted, before its comment was necessarily written.
    const [task] = await waitFor(async () => {
      const t = await h.tasksFor(poller, issue.number);
      return t.length > 0 ? t : undefined;
    });
    await poller.stop();
    poller = await h.poller();
    await h.finished(executor, task!.id);
    await waitFor(() => h.statusComments(issue.number)[0]?.body.includes("Pull request:"));
    for (let i = 0; i < 3; i++) {
      await poller.stop();
      poller = await h.poller();
      await twoMorePolls();
    }
    expect(await h.tasksFor(poller, issue.number)).toHaveLength(1);
    expect(h.statusComments(issue.number)).toHaveLength(1);
    expect(pullCount()).toBe(1);
    await poller.stop();
    await executor.stop();
  });

  it("retries a failing task a bounded number of times and leaves one failure comment", async () => {
    const executor = await h.executor();
    const poller = await h.poller({
      poller: { backend: "fail", maxAttempts: 2, cooldown: "300ms" },
    });
    const issue = h.gh.state.openIssue(REPO, {
      title: "This will fail",
      author: "bob",
      labels: ["nightshift"],
    });
    const [task] = await waitFor(async () => {
      const t = await h.tasksFor(poller, issue.number);
      return t.length > 0 ? t : undefined;
    });
    const comment = await waitFor(
      () => {
        const c = h.statusComments(issue.number);
        return c.length === 1 && c[0]!.body.includes("I have stopped trying") ? c[0] : undefined;
      },
      { timeoutMs: 30_000, message: "the final failure comment" },
    );
    expect(comment.body).toContain("**failed** (attempt 2 of 2)");
    expect(comment.body).toContain("Reason: exit-code: agent exited with code 3");
    expect(comment.body).not.toMatch(/\n\s+at /);
    const record = (await poller.bus.tasks.get(task!.id))!.record;
    expect(record.state).toBe("failed");
    expect(record.transitions.filter((t) => t.state === "running")).toHaveLength(2);
    // Well past the cooldown: no third run, still one comment, no other comment at all.
    await twoMorePolls();
    await new Promise((r) => setTimeout(r, 1000));
    const after = (await poller.bus.tasks.get(task!.id))!.record;
    expect(after.transitions.filter((t) => t.state === "running")).toHaveLength(2);
    expect(await h.tasksFor(poller, issue.number)).toHaveLength(1);
    const all = [...h.gh.state.repo(REPO).comments.values()].filter(
      (c) => c.issue === issue.number,
    );
    expect(all).toHaveLength(1);
    expect(h.gh.state.issue(REPO, issue.number).labels).toContain("nightshift:failed");
    await poller.stop();
    await executor.stop();
  });

  it("runs two poller replicas without double work: one leads each source", async () => {
    const a = await h.poller();
    const b = await h.poller();
    const issue = h.gh.state.openIssue(REPO, {
      title: "Two pollers",
      author: "alice",
      labels: ["nightshift"],
    });
    await waitFor(async () => (await h.tasksFor(a, issue.number)).length === 1);
    const statusOf = async (svc: typeof a) => {
      const r = await svc.app.request("/status");
      return ((await r.json()) as { components: { poller: { leading: string[] } } }).components
        .poller;
    };
    const [sa, sb] = [await statusOf(a), await statusOf(b)];
    const github = [...sa.leading, ...sb.leading].filter((l) => l.startsWith("github."));
    expect(github).toEqual(["github.acme/web"]);
    await a.stop();
    // The standby takes over when the leader's lease lapses.
    const second = h.gh.state.openIssue(REPO, {
      title: "After failover",
      author: "alice",
      labels: ["nightshift"],
    });
    await waitFor(async () => (await h.tasksFor(b, second.number)).length === 1, {
      timeoutMs: 15_000,
    });
    await b.stop();
  });
});
