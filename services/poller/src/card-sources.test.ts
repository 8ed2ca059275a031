import { describe, expect, it } from "vitest";
import { LinearQueue } from "@nightshift/config";
import { Task } from "@nightshift/contracts";
import { githubTask } from "./github/build-task.ts";
import { linearTask } from "./linear/build-task.ts";

const block = [
  "Saving an empty file crashes.",
  "",
  "```nightshift-card",
  JSON.stringify({
    goal: "No crash on save",
    acceptance: ["saving an empty file works"],
    loop: { maxRounds: 2, reviewer: { backend: "critic" } },
  }),
  "```",
].join("\n");

function fromGitHub(body: string): Task {
  return Task.parse(
    githubTask({
      id: "0123456789ab",
      key: "gh:acme/web#12:labeled-1",
      kind: "issue",
      thread: {
        repo: "acme/web",
        number: 12,
        thread: "issue",
        trigger: "issue",
        target: "acme/web",
      },
      target: {
        full_name: "acme/web",
        default_branch: "main",
        clone_url: "https://github.test/acme/web.git",
        html_url: "https://github.test/acme/web",
      },
      url: "https://github.test/acme/web/issues/12",
      author: "alice",
      snapshot: { title: "Crash on save", body },
      prompt: "Resolve issue #12",
    }),
  );
}

function fromLinear(description: string | null): Task {
  return Task.parse(
    linearTask({
      id: "0123456789ac",
      key: "linear:ENG-7",
      queueIndex: 0,
      queue: LinearQueue.parse({ team: "ENG", state: "Todo", repo: "/srv/app" }),
      issue: {
        id: "i1",
        identifier: "ENG-7",
        title: "Crash on save",
        description,
        url: "https://linear.test/ENG-7",
        createdAt: "2026-11-21T09:00:00.000Z",
        updatedAt: "2026-11-21T09:00:00.000Z",
        state: { id: "s1", name: "Todo", type: "unstarted" },
        team: { id: "t1", key: "ENG" },
        creator: { id: "u1", name: "Ada" },
        labels: { nodes: [] },
      },
    }),
  );
}

describe("task cards from issue bodies", () => {
  it("a GitHub issue's nightshift-card block becomes the task's card and review loop", () => {
    const t = fromGitHub(block);
    expect(t.card).toMatchObject({
      goal: "No crash on save",
      acceptance: ["saving an empty file works"],
    });
    expect(t.loop).toEqual({ maxRounds: 2, reviewer: { backend: "critic" } });
    const plain = fromGitHub("Saving an empty file crashes.");
    expect(plain.card).toBeUndefined();
    expect(plain.loop).toBeUndefined();
  });

  it("so does a Linear issue's description", () => {
    const t = fromLinear(block);
    expect(t.card?.goal).toBe("No crash on save");
    expect(t.loop?.maxRounds).toBe(2);
    expect(fromLinear(null).card).toBeUndefined();
  });

  it("a block that is not a valid card is not dropped in silence: the prompt says why", () => {
    const bad =
      'Saving crashes.\n\n```nightshift-card\n{"goal": "x", "loop": {"maxRounds": 0}}\n```';
    for (const t of [fromGitHub(bad), fromLinear(bad)]) {
      expect(t.card).toBeUndefined();
      expect(t.loop).toBeUndefined();
      expect(t.prompt).toMatch(
        /\(nightshift: the nightshift-card block is not a valid card: loop\.maxRounds: .*The task runs without a card, as one run\.\)$/,
      );
    }
    expect(fromGitHub(block).prompt).toBe("Resolve issue #12");
  });
});
