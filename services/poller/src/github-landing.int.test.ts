import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { gitBranches, showFile } from "@nightshift/fake-github";
import { loopScript, startModelServer, type ModelServer } from "@nightshift/model-server";
import { waitFor } from "@nightshift/testkit";
import { REPO, startHarness, type Harness } from "./harness.int.ts";

let h: Harness;
let model: ModelServer;

beforeAll(async () => {
  h = await startHarness();
  model = await startModelServer({ apiKey: "sk-ant-test" });
});
afterEach(async () => {
  await h.stopAll();
  expect(model.pending()).toBe(0);
  model.clear();
});
afterAll(async () => {
  await h.close();
  await model.close();
});

const card = (goal: string) =>
  [
    "Please greet the world.",
    "",
    "```nightshift-card",
    JSON.stringify({ goal, acceptance: ["hello.txt says hello world"], loop: { maxRounds: 2 } }),
    "```",
  ].join("\n");

/** An executor whose `api` backend plays both roles against the model server, landing allowed. */
function executor(over: Record<string, unknown> = {}) {
  const dir = h.gh.state.repo(REPO).dir;
  return h.executor(
    {
      executor: { defaultBackend: "api" },
      backends: { api: { type: "anthropic", model: "claude-sonnet-4-6" } },
      repositories: [
        {
          match: dir,
          check: { command: "grep -q 'hello world' hello.txt" },
          landing: { enabled: true, paths: ["hello.txt"] },
        },
      ],
      ...over,
    },
    { ...process.env, ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: "sk-ant-test" },
  );
}

async function loopFromIssue(title: string) {
  const poller = await h.poller();
  const issue = h.gh.state.openIssue(REPO, {
    title,
    body: card(title),
    author: "alice",
    labels: ["nightshift"],
  });
  const [task] = await waitFor(async () => {
    const t = await h.tasksFor(poller, issue.number);
    return t.length > 0 ? t : undefined;
  });
  return { task: task!, issue };
}

describe("landing a GitHub review loop", () => {
  it("an issue's card makes a review loop; once approved with the check passing, its pull request is merged", async () => {
    const svc = await executor();
    model.script(
      ...loopScript.worker({ "hello.txt": "hello world\n" }, "Wrote hello.txt."),
      ...loopScript.reviewer(loopScript.approve()),
    );
    const { task } = await loopFromIssue("Greet the world");
    expect(task.task.card?.acceptance).toEqual(["hello.txt says hello world"]);
    expect(task.task.loop).toEqual({ maxRounds: 2 });
    const rec = await h.finished(svc, task.id, 60_000);
    expect(rec.state, rec.detail).toBe("succeeded");
    const pr = [...h.gh.state.repo(REPO).issues.values()].find(
      (i) => i.pull?.head.ref === `nightshift/${task.id}`,
    );
    expect(pr?.pull?.merged).toBe(true);
    const main = (await gitBranches(h.gh.state.repo(REPO).dir)).get("main");
    expect(rec.result?.landing).toEqual({
      state: "landed",
      commit: main,
      detail: `pull request #${pr?.number} merged`,
    });
    expect(rec.result?.pullRequestUrl).toMatch(new RegExp(`/pull/${pr?.number}$`));
    expect(await showFile(h.gh.state.repo(REPO).dir, "main", "hello.txt")).toBe("hello world");
  });

  it("leaves a draft pull request ready for review", async () => {
    const svc = await executor({ github: { pullRequests: { draft: true } } });
    model.script(
      // not what main says, whether or not the test before landed its change
      ...loopScript.worker({ "hello.txt": "hello world, again\n" }, "Wrote hello.txt."),
      ...loopScript.reviewer(loopScript.approve()),
    );
    const before = (await gitBranches(h.gh.state.repo(REPO).dir)).get("main");
    const { task } = await loopFromIssue("Greet the world, as a draft");
    const rec = await h.finished(svc, task.id, 60_000);
    expect(rec.state, rec.detail).toBe("succeeded");
    expect(rec.result?.landing).toEqual({
      state: "ready-for-review",
      detail: expect.stringMatching(/^pull request #\d+ is a draft$/) as string,
    });
    expect((await gitBranches(h.gh.state.repo(REPO).dir)).get("main")).toBe(before);
  });
});
