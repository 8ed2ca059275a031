import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoKey } from "@nightshift/contracts";
import { git, makeTestRepo } from "@nightshift/testkit";
import { agent, pushToOrigin, tempWorkspaces } from "./test-fixtures.ts";
import { readMeta } from "./meta.ts";
import { Workspaces } from "./workspaces.ts";

const repoOf = (origin: string, extra: { base?: string; branch?: string } = {}) => ({
  url: origin,
  key: repoKey(origin),
  ...extra,
});

describe("workspaces", () => {
  it("clones a mirror once per repository and makes each task's copy from it", async () => {
    const wss = await tempWorkspaces();
    // a megabyte that does not compress, so sizes on disk tell copies from links
    const big = randomBytes(1 << 20)
      .toString("base64")
      .slice(0, 1 << 20);
    const repo = await makeTestRepo({ "README.md": "# test\n", "big.txt": big });
    const first = await wss.prepare({ taskId: "task-one", attempt: 1, repo: repoOf(repo.origin) });
    expect(first.prepared.mirror).toBe("cloned");
    const mirror = first.repo?.mirror ?? "";
    const inode = statSync(mirror).ino;
    expect(readFileSync(join(first.dir, "README.md"), "utf8")).toBe("# test\n");
    expect(await git(first.dir, "rev-parse", "--abbrev-ref", "HEAD")).toBe("nightshift/task-one");
    // the agent's copy points at the real origin without credentials, never at the mirror
    expect(await git(first.dir, "remote", "get-url", "origin")).toBe(repo.origin);
    await wss.remove(first);

    const second = await wss.prepare({ taskId: "task-two", attempt: 1, repo: repoOf(repo.origin) });
    expect(second.prepared.mirror).toBe("fetched");
    expect(second.repo?.mirror).toBe(mirror);
    expect(statSync(mirror).ino).toBe(inode);
    expect(wss.mirrors.stats()).toEqual({ clones: 1, fetches: 1 });
    // objects are hard links into the mirror, not copies: the workspace's own disk use is
    // its checked-out files (the megabyte once), not a second copy of the history
    const objects = await git(second.dir, "rev-parse", "--git-path", "objects");
    const loose = (await git(second.dir, "rev-parse", "HEAD:big.txt")).replace(/^(..)/, "$1/");
    expect(statSync(join(second.dir, objects, loose)).nlink).toBeGreaterThan(1);
    const used = await wss.usage(second);
    expect(used).toBeGreaterThan(1 << 20);
    expect(used).toBeLessThan(1.4 * (1 << 20));
  });

  it("fetches each mirror under its own lock: one clone per repository, repositories in parallel", async () => {
    const wss = await tempWorkspaces();
    const [a, b] = await Promise.all([
      makeTestRepo({ "A.md": "a" }),
      makeTestRepo({ "B.md": "b" }),
    ]);
    const prepared = await Promise.all([
      ...["a-1", "a-2", "a-3", "a-4"].map((id) =>
        wss.prepare({ taskId: id, attempt: 1, repo: repoOf(a.origin) }),
      ),
      ...["b-1", "b-2"].map((id) =>
        wss.prepare({ taskId: id, attempt: 1, repo: repoOf(b.origin) }),
      ),
    ]);
    expect(wss.mirrors.stats()).toEqual({ clones: 2, fetches: 4 });
    for (const ws of prepared.slice(0, 4)) expect(existsSync(join(ws.dir, "A.md"))).toBe(true);
    for (const ws of prepared.slice(4)) expect(existsSync(join(ws.dir, "B.md"))).toBe(true);
    expect(new Set(prepared.map((p) => p.repo?.mirror)).size).toBe(2);
  });

  it("commits what the agent left, pushes its branch and reports the git facts", async () => {
    const wss = await tempWorkspaces();
    const repo = await makeTestRepo();
    const ws = await wss.prepare({ taskId: "task-facts", attempt: 1, repo: repoOf(repo.origin) });
    await agent(ws.dir, "echo one > one.txt && git add one.txt && git commit -qm 'add one'");
    await agent(ws.dir, "echo two > two.txt && echo changed >> README.md");
    const facts = await wss.settle(ws, "nightshift: leftovers");
    expect(facts.dirty).toBe(true);
    expect(facts.dirtyFiles.sort()).toEqual(["README.md", "two.txt"]);
    expect(facts.commits.map((c) => c.subject)).toEqual(["add one", "nightshift: leftovers"]);
    expect(facts.attemptCommits).toEqual(facts.commits);
    expect(facts.changedFiles.sort()).toEqual(["README.md", "one.txt", "two.txt"]);
    expect(facts.noop).toBe(false);
    expect(facts.base).toBe(ws.repo?.baseCommit);
    const pushed = await wss.push(ws, facts, []);
    expect(pushed).toEqual({ pushed: true, commit: facts.head });
    expect(await repo.log("nightshift/task-facts")).toEqual([
      "nightshift: leftovers",
      "add one",
      "initial",
    ]);
    expect(await git(repo.origin, "rev-parse", "nightshift/task-facts")).toBe(facts.head);
    // pushing again sends nothing
    expect((await wss.push(ws, facts, [])).pushed).toBe(false);
  });

  it("asks beforePush last, after the scan, and pushes nothing when it refuses", async () => {
    const wss = await tempWorkspaces();
    const repo = await makeTestRepo();
    const ws = await wss.prepare({ taskId: "task-fenced", attempt: 1, repo: repoOf(repo.origin) });
    await agent(ws.dir, "echo work > work.txt");
    const facts = await wss.settle(ws, "nightshift: work");
    const refuse = (): Promise<void> => Promise.reject(new Error("lease lost"));
    await expect(wss.push(ws, facts, [], { beforePush: refuse })).rejects.toThrow("lease lost");
    expect(await repo.branches()).not.toContain("nightshift/task-fenced");
    let asked = 0;
    const allow = (): Promise<void> => {
      asked++;
      return Promise.resolve();
    };
    expect((await wss.push(ws, facts, [], { beforePush: allow })).pushed).toBe(true);
    expect(asked).toBe(1);
    expect(await repo.branches()).toContain("nightshift/task-fenced");
  });

  it("reports an agent that neither commits nor changes anything as a NOOP", async () => {
    const wss = await tempWorkspaces();
    const repo = await makeTestRepo();
    const ws = await wss.prepare({ taskId: "task-noop", attempt: 1, repo: repoOf(repo.origin) });
    // writing only its result file (never pushed) is still nothing
    await agent(
      ws.dir,
      "mkdir -p .nightshift && echo '{}' > .nightshift/result.json && git status",
    );
    const facts = await wss.settle(ws, "nightshift: nothing");
    expect(facts).toMatchObject({ noop: true, dirty: false, commits: [], changedFiles: [] });
    expect(facts.head).toBe(ws.repo?.startCommit);
    expect((await wss.push(ws, facts, [])).pushed).toBe(false);
    expect(await repo.branches()).toEqual(["main"]);
  });

  it("continues a retry from the pushed branch, on another host as on this one", async () => {
    const repo = await makeTestRepo();
    const hostA = await tempWorkspaces("executor-a");
    const a1 = await hostA.prepare({ taskId: "task-retry", attempt: 1, repo: repoOf(repo.origin) });
    await agent(a1.dir, "echo first > A.txt && git add A.txt && git commit -qm first");
    const f1 = await hostA.settle(a1, "nightshift: attempt 1");
    await hostA.push(a1, f1, []);
    await hostA.release(a1);

    // attempt 2 runs on another executor: it starts from what attempt 1 pushed
    const hostB = await tempWorkspaces("executor-b");
    const b2 = await hostB.prepare({ taskId: "task-retry", attempt: 2, repo: repoOf(repo.origin) });
    expect(b2.prepared.reused).toBe(false);
    expect(b2.startCommit).toBe(f1.head);
    expect(b2.repo?.branchExisted).toBe(true);
    expect(readFileSync(join(b2.dir, "A.txt"), "utf8")).toBe("first\n");
    expect(await git(b2.dir, "rev-parse", "--abbrev-ref", "@{upstream}")).toBe(
      "origin/nightshift/task-retry",
    );
    await agent(b2.dir, "echo second > B.txt && git add B.txt && git commit -qm second");
    const f2 = await hostB.settle(b2, "nightshift: attempt 2");
    expect(f2.attemptCommits.map((c) => c.subject)).toEqual(["second"]);
    expect(f2.commits.map((c) => c.subject)).toEqual(["first", "second"]);
    await hostB.push(b2, f2, []);
    expect(await repo.log("nightshift/task-retry")).toEqual(["second", "first", "initial"]);

    // attempt 3 back on host A: its old copy lacks attempt 2's push, so it is remade
    const a3 = await hostA.prepare({ taskId: "task-retry", attempt: 3, repo: repoOf(repo.origin) });
    expect(a3.prepared.reused).toBe(false);
    expect(existsSync(join(a3.dir, "B.txt"))).toBe(true);
    // a crash leaves uncommitted work; the next attempt on this host takes the copy over
    writeFileSync(join(a3.dir, "WIP.txt"), "unsaved");
    const a4 = await hostA.prepare({ taskId: "task-retry", attempt: 4, repo: repoOf(repo.origin) });
    expect(a4.prepared.reused).toBe(true);
    expect(readFileSync(join(a4.dir, "WIP.txt"), "utf8")).toBe("unsaved");
    const f4 = await hostA.settle(a4, "nightshift: attempt 4");
    expect(f4.attemptCommits.map((c) => c.subject)).toEqual(["nightshift: attempt 4"]);
    expect(f4.noop).toBe(false);
  });

  it("works on a branch the task names and counts only the attempt's own work", async () => {
    const repo = await makeTestRepo();
    const prHead = await pushToOrigin(repo.origin, "feature", { "F.txt": "human work\n" });
    const wss = await tempWorkspaces();
    const ws = await wss.prepare({
      taskId: "task-pr",
      attempt: 1,
      repo: repoOf(repo.origin, { branch: "feature", base: "main" }),
    });
    expect(ws.branch).toBe("feature");
    expect(ws.startCommit).toBe(prHead);
    expect(ws.repo?.namedBranch).toBe(true);
    const idle = await wss.settle(ws, "nightshift: nothing");
    // the branch has commits beyond main (the human's), but the attempt added none
    expect(idle.commits.map((c) => c.subject)).toEqual(["update feature"]);
    expect(idle.noop).toBe(true);
    await agent(ws.dir, "echo fix >> F.txt && git commit -qam 'fix review comment'");
    const done = await wss.settle(ws, "nightshift: fix");
    expect(done.noop).toBe(false);
    await wss.push(ws, done, []);
    expect(await repo.log("feature")).toEqual(["fix review comment", "update feature", "initial"]);
  });

  it("discards a finished task's workspace only when no other executor owns it", async () => {
    const mine = await tempWorkspaces("executor-mine");
    const theirs = new Workspaces({
      root: mine.root,
      mirrors: mine.mirrors.root,
      owner: { ...mine.owner, instance: "executor-theirs" },
    });
    const released = await theirs.prepare({ taskId: "t-released", attempt: 1 });
    await theirs.release(released);
    await theirs.prepare({ taskId: "t-theirs", attempt: 1 });
    await mine.prepare({ taskId: "t-mine", attempt: 1 });
    expect(await mine.discard("t-released")).toBe(true);
    expect(await mine.discard("t-mine")).toBe(true);
    expect(await mine.discard("t-theirs")).toBe(false);
    expect(await mine.discard("t-never")).toBe(false);
    expect(existsSync(mine.homeOf("t-released"))).toBe(false);
    expect(existsSync(mine.homeOf("t-mine"))).toBe(false);
    expect(existsSync(mine.homeOf("t-theirs"))).toBe(true);
  });

  it("fails permanently when the base branch does not exist", async () => {
    const wss = await tempWorkspaces();
    const repo = await makeTestRepo();
    await expect(
      wss.prepare({
        taskId: "task-nobase",
        attempt: 1,
        repo: repoOf(repo.origin, { base: "nope" }),
      }),
    ).rejects.toMatchObject({ code: "PERMANENT", reason: "no-base-branch" });
  });

  it("gives a task without a repository an empty directory", async () => {
    const wss = await tempWorkspaces();
    const ws = await wss.prepare({ taskId: "task-norepo", attempt: 1 });
    expect(ws.prepared.mirror).toBe("none");
    expect(existsSync(ws.dir)).toBe(true);
    expect(ws.repo).toBeUndefined();
    await wss.remove(ws);
    expect(existsSync(ws.home)).toBe(false);
  });

  it("gives tasks without a repository spare directories, with their records, when it keeps spares", async () => {
    const wss = await tempWorkspaces();
    const spares = wss.keepSpares(2);
    await spares.settled();
    expect(spares.ready).toBe(2);
    const ws = await wss.prepare({ taskId: "task-spare", attempt: 3 });
    expect(readdirSync(ws.dir)).toEqual([]);
    const meta = await readMeta(ws.home);
    expect(meta?.taskId).toBe("task-spare");
    expect(meta?.attempt).toBe(3);
    expect(meta?.owner?.instance).toBe(wss.owner.instance);
    // the sweeper's and the next attempt's view of it: a record like any other
    const again = await wss.prepare({ taskId: "task-spare", attempt: 4 });
    expect((await readMeta(again.home))?.attempt).toBe(4);
    expect(await wss.discard("task-spare")).toBe(true);
    // one the agent left empty goes back to the spares, one with files left is removed
    const before = spares.ready;
    const empty = await wss.prepare({ taskId: "task-empty", attempt: 1 });
    await wss.remove(empty);
    expect(existsSync(empty.home)).toBe(false);
    expect(spares.ready).toBe(before);
    const full = await wss.prepare({ taskId: "task-full", attempt: 1 });
    writeFileSync(join(full.dir, "out.txt"), "x");
    await wss.remove(full);
    expect(existsSync(full.home)).toBe(false);
    expect(spares.ready).toBe(before - 1);
    await spares.close();
    expect(readdirSync(wss.root)).toEqual([]);
  });
});
