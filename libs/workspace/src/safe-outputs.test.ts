import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoKey } from "@nightshift/contracts";
import { isNightshiftError } from "@nightshift/errors";
import { git, makeTestRepo } from "@nightshift/testkit";
import { SecretDetectedError } from "./secret-scan.ts";
import { agent, commitsOf, filesAt, pushToOrigin, tempWorkspaces } from "./test-fixtures.ts";

const TOKEN = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
const SECRETS = [{ name: "GITHUB_TOKEN", value: TOKEN }];

async function setup(files?: Record<string, string>, more?: Record<string, string>) {
  const wss = await tempWorkspaces();
  const repo = await makeTestRepo(files);
  if (more) await pushToOrigin(repo.origin, "main", more);
  const ws = await wss.prepare({
    taskId: `task-${Math.random().toString(36).slice(2, 10)}`,
    attempt: 1,
    repo: { url: repo.origin, key: repoKey(repo.origin) },
  });
  return { wss, repo, ws };
}

describe("safe outputs", () => {
  it("never pushes .nightshift/ or transcripts, even in commits the agent made itself", async () => {
    const { wss, repo, ws } = await setup(undefined, {
      ".nightshift/roles/worker.md": "role from main\n",
    });
    await agent(
      ws.dir,
      [
        "mkdir -p .nightshift src .claude/projects/p",
        'echo \'{"status":"done"}\' > .nightshift/result.json',
        "echo 'agent rewrote its role' > .nightshift/roles/worker.md",
        "echo 'user: here is my key' > .aider.chat.history.md",
        "echo '{}' > .claude/projects/p/session.jsonl",
        "echo 'code' > src/app.ts",
        // -f: past the exclude file nightshift wrote, as a careless agent would
        "git add -A -f && git commit -qm 'work, with transcripts'",
        "echo 'more' >> src/app.ts && echo 'log' > .nightshift/agent.log",
        "git add -A -f && git commit -qm 'more work'",
        "mkdir -p sub && echo chat > sub/.aider.chat.history.md",
      ].join(" && "),
    );
    const facts = await wss.settle(ws, "nightshift: leftovers");
    expect(facts.stripped).toEqual([
      ".aider.chat.history.md",
      ".claude/projects/p/session.jsonl",
      ".nightshift/agent.log",
      ".nightshift/result.json",
      ".nightshift/roles/worker.md",
    ]);
    expect(facts.changedFiles).toEqual(["src/app.ts"]);
    expect(facts.commits.map((c) => c.subject)).toEqual(["work, with transcripts", "more work"]);
    expect(facts.dirty).toBe(false);
    await wss.push(ws, facts, SECRETS);
    const branch = `nightshift/${ws.taskId}`;
    for (const c of await commitsOf(repo.origin, branch, "main")) {
      const files = await filesAt(repo.origin, c);
      expect(files).not.toContain(".nightshift/result.json");
      expect(files).not.toContain(".aider.chat.history.md");
      expect(files.some((f) => f.startsWith(".claude/"))).toBe(false);
      expect(files.some((f) => f.endsWith(".aider.chat.history.md"))).toBe(false);
      // a file the repository tracks under .nightshift/ keeps the base's version
      expect(await git(repo.origin, "show", `${c}:.nightshift/roles/worker.md`)).toBe(
        "role from main",
      );
    }
    expect(await repo.show(branch, "src/app.ts")).toBe("code\nmore");
    // the agent's own exclude rules keep these out of `git add -A` in the first place
    expect(
      await agent(ws.dir, "git check-ignore .nightshift/new.json sub/.aider.chat.history.md"),
    ).toBe(".nightshift/new.json\nsub/.aider.chat.history.md");
  });

  it("refuses to push the executor's token value and names the file, not the secret", async () => {
    const { wss, repo, ws } = await setup();
    await agent(
      ws.dir,
      `echo 'fine' > ok.txt && printf 'const token = "%s";\\n' '${TOKEN}' > config.js && git add -A && git commit -qm add && git rm -q config.js && git commit -qm 'remove it again'`,
    );
    const facts = await wss.settle(ws, "nightshift: leftovers");
    // the final tree is clean, but the first commit still carries the token
    expect(facts.changedFiles).toEqual(["ok.txt"]);
    const err = await wss.push(ws, facts, SECRETS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretDetectedError);
    expect(isNightshiftError(err, "PERMANENT")).toBe(true);
    const e = err as SecretDetectedError;
    expect(e.reason).toBe("secret-detected");
    expect(e.message).toContain("the value of GITHUB_TOKEN in config.js");
    expect(e.message).toContain("a GitHub token in config.js");
    expect(e.message).not.toContain(TOKEN);
    expect(await repo.branches()).toEqual(["main"]);
  });

  it("catches token shapes in added lines and commit messages, not in context lines", async () => {
    const key = "-----BEGIN OPENSSH PRIVATE KEY-----";
    const { wss, repo, ws } = await setup({ "README.md": `# test\n${key}\n` });
    await agent(ws.dir, "echo 'unrelated' >> README.md && git commit -qam 'touch readme'");
    // the private-key marker is only context around the change: it is already on origin
    const clean = await wss.settle(ws, "x");
    expect((await wss.push(ws, clean, SECRETS)).pushed).toBe(true);
    const slack = "xoxb-" + "1234567890-abcdefghij";
    await agent(ws.dir, `git commit -q --allow-empty -m 'debug with ${slack}'`);
    const facts = await wss.settle(ws, "x");
    await expect(wss.push(ws, facts, SECRETS)).rejects.toThrow(
      /a Slack token in \(commit message\)/,
    );
    expect(await repo.log(`nightshift/${ws.taskId}`)).toEqual(["touch readme", "initial"]);
  });

  it("keeps a task's unpushed commits out of the mirror and out of other tasks' copies", async () => {
    const { wss, repo, ws } = await setup();
    await agent(
      ws.dir,
      `printf 'deploy key: %s\\n' '${TOKEN}' > notes.txt && git add notes.txt && git commit -qm notes`,
    );
    const blob = await agent(ws.dir, "git rev-parse HEAD:notes.txt");
    const facts = await wss.settle(ws, "x");
    await expect(wss.push(ws, facts, SECRETS)).rejects.toBeInstanceOf(SecretDetectedError);
    const mirror = ws.repo?.mirror ?? "";
    await expect(git(mirror, "cat-file", "-e", blob)).rejects.toThrow();
    // the next task on this repository, on this host, cannot dig the refused commit up
    const next = await wss.prepare({
      taskId: "task-next",
      attempt: 1,
      repo: { url: repo.origin, key: repoKey(repo.origin) },
    });
    await expect(agent(next.dir, `git cat-file -e ${blob}`)).rejects.toThrow();
  });

  it("leaves what a merge took from origin alone: upstream commits, role files, fixtures", async () => {
    const { wss, repo, ws } = await setup(undefined, { ".nightshift/roles/worker.md": "v1\n" });
    await agent(ws.dir, "echo a > a.txt && git add a.txt && git commit -qm 'agent work'");
    // meanwhile a human updates main: a role file and a test fixture shaped like a key
    const fixture = "-----BEGIN RSA PRIVATE KEY-----\n(test fixture)\n";
    const upstream = await pushToOrigin(repo.origin, "main", {
      ".nightshift/roles/worker.md": "v2\n",
      "test/key.pem": fixture,
    });
    await agent(ws.dir, "git fetch -q origin && git merge -q --no-edit origin/main");
    const facts = await wss.settle(ws, "x");
    expect(facts.stripped).toEqual([]);
    await wss.push(ws, facts, SECRETS);
    const branch = `nightshift/${ws.taskId}`;
    expect(await repo.show(branch, ".nightshift/roles/worker.md")).toBe("v2");
    expect(await git(repo.origin, "merge-base", "--is-ancestor", upstream, branch)).toBe("");
  });

  it("never runs the agent's git hooks or config and never follows its .git out of the workspace", async () => {
    const { wss, repo, ws } = await setup();
    const pwned = join(ws.home, "PWNED");
    await agent(
      ws.dir,
      [
        `git config core.fsmonitor 'touch ${pwned}; false'`,
        `git config filter.evil.clean 'touch ${pwned}; cat'`,
        "echo '* filter=evil' > .gitattributes",
        `printf '#!/bin/sh\\ntouch ${pwned}\\n' > .git/hooks/pre-push`,
        "cp .git/hooks/pre-push .git/hooks/post-commit && cp .git/hooks/pre-push .git/hooks/pre-commit",
        "chmod +x .git/hooks/*",
        "echo 'hello' > hello.txt",
      ].join(" && "),
    );
    const facts = await wss.settle(ws, "nightshift: leftovers");
    await wss.push(ws, facts, SECRETS);
    expect(existsSync(pwned)).toBe(false);
    expect(await repo.show(`nightshift/${ws.taskId}`, "hello.txt")).toBe("hello");

    // an alternates file would make the executor read another repository's objects
    const other = await setup({ "SECRET-OF-OTHER-REPO.md": "theirs" });
    await agent(
      other.ws.dir,
      `echo '${join(ws.dir, ".git", "objects")}' > .git/objects/info/alternates && echo mine > mine.txt && git add mine.txt && git commit -qm mine`,
    );
    const f2 = await other.wss.settle(other.ws, "nightshift: snapshot");
    expect(f2.warnings[0]).toMatch(/\.git\/objects\/info\/alternates exists/);
    // its files are still taken, as one commit on the branch's start
    expect(f2.commits.map((c) => c.subject)).toEqual(["nightshift: snapshot"]);
    expect(f2.changedFiles).toEqual(["mine.txt"]);
  });
});
