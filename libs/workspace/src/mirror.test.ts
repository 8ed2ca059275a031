import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoKey } from "@nightshift/contracts";
import { git as testGit, makeTestRepo } from "@nightshift/testkit";
import { git, redactUrls } from "./git.ts";
import { defaultBranch, Mirrors, withoutCredentials } from "./mirror.ts";
import { pushToOrigin } from "./test-fixtures.ts";

describe("mirrors", () => {
  it("lets two executors on one host create the same mirror at once", async () => {
    const root = mkdtempSync(join(tmpdir(), "ns-mirrors-"));
    const repo = await makeTestRepo();
    const r = { url: repo.origin, key: repoKey(repo.origin) };
    const [a, b] = await Promise.all([new Mirrors(root).ensure(r), new Mirrors(root).ensure(r)]);
    expect([a.cloned, b.cloned].filter(Boolean)).toHaveLength(1);
    expect(a.dir).toBe(b.dir);
    expect(readdirSync(root)).toEqual([`${r.key}.git`]);
    expect(await git(a.dir, ["rev-parse", "--verify", "refs/heads/main"])).toMatch(
      /^[0-9a-f]{40}$/,
    );
  });

  it("replaces something at the mirror's path that is not a mirror", async () => {
    const root = mkdtempSync(join(tmpdir(), "ns-mirrors-"));
    const repo = await makeTestRepo();
    const r = { url: repo.origin, key: repoKey(repo.origin) };
    mkdirSync(join(root, `${r.key}.git`), { recursive: true });
    writeFileSync(join(root, `${r.key}.git`, "junk"), "left by a crash");
    const m = await new Mirrors(root).ensure(r);
    expect(m.cloned).toBe(true);
    expect(readdirSync(root)).toEqual([`${r.key}.git`]);
  });

  it("follows origin: new branches arrive, deleted ones go, nightshift's refs stay", async () => {
    const root = mkdtempSync(join(tmpdir(), "ns-mirrors-"));
    const repo = await makeTestRepo();
    const r = { url: repo.origin, key: repoKey(repo.origin) };
    const mirrors = new Mirrors(root);
    const { dir } = await mirrors.ensure(r);
    expect(await defaultBranch(dir)).toBe("main");
    await git(dir, ["update-ref", "refs/nightshift/t1/head", "refs/heads/main"]);
    await pushToOrigin(repo.origin, "feature", { "f.txt": "f" });
    await mirrors.ensure(r);
    expect(await git(dir, ["for-each-ref", "--format=%(refname)"])).toBe(
      ["refs/heads/feature", "refs/heads/main", "refs/nightshift/t1/head"].join("\n"),
    );
    await testGit(repo.origin, "branch", "-D", "feature");
    await mirrors.ensure(r);
    expect(await git(dir, ["for-each-ref", "--format=%(refname)"])).toBe(
      ["refs/heads/main", "refs/nightshift/t1/head"].join("\n"),
    );
    expect(mirrors.stats()).toEqual({ clones: 1, fetches: 2 });
  });

  it("keeps credentials out of the agent's copy and out of error messages", async () => {
    expect(withoutCredentials("https://x-access-token:s3cret@github.com/o/r.git")).toBe(
      "https://github.com/o/r.git",
    );
    expect(withoutCredentials("git@github.com:o/r.git")).toBe("git@github.com:o/r.git");
    expect(withoutCredentials("/srv/repos/r.git")).toBe("/srv/repos/r.git");
    expect(redactUrls("fatal: unable to access 'https://u:s3cret@example.com/r.git/': 403")).toBe(
      "fatal: unable to access 'https://***@example.com/r.git/': 403",
    );
    const err = await git(tmpdir(), ["ls-remote", "http://u:s3cret@127.0.0.1:9/r.git"]).catch(
      (e: unknown) => e as Error,
    );
    expect(String(err)).not.toContain("s3cret");
  });
});
