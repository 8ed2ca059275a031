import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFakeLinear, type FakeLinear, type FakeUser } from "@nightshift/fake-linear";
import type { InProcessServices } from "@nightshift/host";
import { makeTestRepo, waitFor, type TestRepo } from "@nightshift/testkit";
import { startHarness, type Harness } from "./harness.int.ts";

let h: Harness;
let linear: FakeLinear;
let agent: FakeUser;
let pat: FakeUser;
let repo: TestRepo;

beforeAll(async () => {
  h = await startHarness();
  linear = await startFakeLinear();
  agent = linear.data.addUser("Nightshift");
  pat = linear.data.addUser("Pat");
  linear.data.addTeam("ENG");
  repo = await makeTestRepo();
});
afterEach(async () => {
  await h.stopAll();
});
afterAll(async () => {
  await linear.stop();
  await h.close();
});

function config() {
  return {
    poller: {
      github: { repos: [] },
      linear: {
        apiUrl: linear.url,
        interval: "150ms",
        queues: [
          { team: "ENG", state: "Todo", label: "agent", repo: repo.origin, doneState: "Done" },
        ],
      },
    },
  };
}

async function linearTasks(svc: InProcessServices, identifier: string) {
  return (await h.records(svc)).filter(
    (r) => r.task.source.attributes["identifier"] === identifier,
  );
}

describe("Linear as a task source", () => {
  it("takes an issue from the queue once, moves it along and leaves one comment with the result", async () => {
    const env = { ...h.env, LINEAR_API_KEY: agent.apiKey };
    const executor = await h.executor();
    let poller = await h.poller(config(), env);
    const issue = linear.data.createIssue({
      team: "ENG",
      title: "Add a changelog",
      description: "Create CHANGELOG.md",
      state: "Todo",
      creator: pat,
      labels: ["agent"],
    });
    const unlabelled = linear.data.createIssue({
      team: "ENG",
      title: "Not for the agent",
      state: "Todo",
      creator: pat,
    });
    const own = linear.data.createIssue({
      team: "ENG",
      title: "Mine",
      state: "Todo",
      creator: agent,
      labels: ["agent"],
    });
    const [task] = await waitFor(async () => {
      const t = await linearTasks(poller, issue.identifier);
      return t.length > 0 ? t : undefined;
    });
    expect(task!.task.kind).toBe("linear");
    expect(task!.task.prompt).toContain("Create CHANGELOG.md");
    expect(task!.task.repo?.url).toBe(repo.origin);
    await waitFor(() => linear.data.stateName(issue) !== "Todo");
    const done = await h.finished(executor, task!.id);
    expect(done.state).toBe("succeeded");
    await waitFor(() => linear.data.stateName(issue) === "Done");
    const comments = await waitFor(() => {
      const c = linear.data.commentsOf(issue.id);
      return c.length === 1 && c[0]!.body.includes("**done**") ? c : undefined;
    });
    expect(comments[0]!.body).toContain(`task \`${task!.id}\``);
    await poller.stop();
    poller = await h.poller(config(), env);
    const polls = linear.operations.length;
    await waitFor(() => linear.operations.slice(polls).filter((o) => o === "Issues").length >= 2);
    expect(await linearTasks(poller, issue.identifier)).toHaveLength(1);
    expect(await linearTasks(poller, unlabelled.identifier)).toHaveLength(0);
    expect(await linearTasks(poller, own.identifier)).toHaveLength(0);
    expect(linear.data.commentsOf(issue.id)).toHaveLength(1);
    // Put back into the queue by a person: a new request.
    linear.data.moveIssue(issue.id, "Todo");
    await waitFor(async () => (await linearTasks(poller, issue.identifier)).length === 2);
    expect(linear.operations).toContain("Issues");
    await executor.stop();
  });
});
