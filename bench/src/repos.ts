import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "bench",
  GIT_AUTHOR_EMAIL: "bench@example.com",
  GIT_COMMITTER_NAME: "bench",
  GIT_COMMITTER_EMAIL: "bench@example.com",
};

/** `count` bare repositories with one commit on `main`, under `dir`. */
export function makeRepos(dir: string, count: number): string[] {
  const seed = join(dir, "seed");
  mkdirSync(seed, { recursive: true });
  const git = (cwd: string, ...args: string[]): void =>
    void execFileSync("git", args, { cwd, env: GIT_ENV, stdio: "ignore" });
  git(seed, "init", "--quiet", "--initial-branch=main");
  writeFileSync(join(seed, "README.md"), "# bench\n");
  git(seed, "add", "-A");
  git(seed, "commit", "--quiet", "-m", "initial");
  return Array.from({ length: count }, (_, i) => {
    const origin = join(dir, `repo-${i}.git`);
    git(dir, "clone", "--quiet", "--bare", seed, origin);
    return origin;
  });
}
