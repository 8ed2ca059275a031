#!/usr/bin/env node
// Measures what a task's workspace costs: a fresh clone of the origin (what nightshift did
// before it kept mirrors) against copies made from a local bare mirror: `git worktree add`
// and the local clone nightshift uses. Prints medians of a few runs and their ratios.
//
//   node scripts/bench-workspace.mjs [files=1000] [commits=200] [runs=5]
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [files = 1000, commits = 200, runs = 5] = process.argv.slice(2).map(Number);
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: "bench",
  GIT_AUTHOR_EMAIL: "bench@localhost",
  GIT_COMMITTER_NAME: "bench",
  GIT_COMMITTER_EMAIL: "bench@localhost",
};
const sh = (cmd, cwd, ...args) =>
  execFileSync(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] })
    .toString()
    .trim();
const git = (cwd, ...args) => sh("git", cwd, ...args);

const root = mkdtempSync(join(tmpdir(), "ns-bench-ws-"));
const seed = join(root, "seed");
const origin = join(root, "origin.git");
git(root, "init", "--quiet", "--initial-branch=main", seed);
git(root, "init", "--quiet", "--bare", "--initial-branch=main", origin);
// Content that does not compress, so the history weighs what real histories weigh.
const text = () => randomBytes(12 * 1024).toString("base64");
for (let i = 0; i < files; i++) {
  const dir = join(seed, `pkg${i % 40}`, `mod${i % 7}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `file${i}.txt`), `${i}\n${text()}`);
}
git(seed, "add", "-A");
git(seed, "commit", "--quiet", "-m", "initial");
for (let c = 1; c < commits; c++) {
  for (let k = 0; k < 10; k++) {
    const i = (c * 10 + k) % files;
    writeFileSync(
      join(seed, `pkg${i % 40}`, `mod${i % 7}`, `file${i}.txt`),
      `${i}.${c}\n${text()}`,
    );
  }
  git(seed, "commit", "--quiet", "-am", `change ${c}`);
}
git(seed, "push", "--quiet", origin, "main");
const size = sh("du", root, "-sh", origin).split("\t")[0];

const mirror = join(root, "mirror.git");
git(root, "clone", "--quiet", "--bare", origin, mirror);

function time(fn) {
  const out = [];
  for (let r = 0; r < runs; r++) {
    const dir = join(root, `run-${Math.random().toString(36).slice(2)}`);
    const t0 = process.hrtime.bigint();
    fn(dir, r);
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
    rmSync(dir, { recursive: true, force: true });
  }
  out.sort((a, b) => a - b);
  return out[Math.floor(out.length / 2)];
}

const results = {
  "clone of origin (file://, no mirror)": time((dir) =>
    git(root, "clone", "--quiet", `file://${origin}`, dir),
  ),
  "fetch into the mirror (nothing new)": time(() =>
    git(mirror, "fetch", "--quiet", "--prune", "origin", "+refs/heads/*:refs/heads/*"),
  ),
  "git worktree add from the mirror": time((dir, r) => {
    git(mirror, "worktree", "add", "--quiet", "-b", `wt-${r}-${Date.now()}`, dir, "main");
  }),
  "local clone of the mirror + checkout (nightshift)": time((dir, r) => {
    git(root, "clone", "--quiet", "--no-checkout", mirror, dir);
    git(dir, "checkout", "--quiet", "-B", `nightshift/bench-${r}`, "main");
  }),
};
git(mirror, "worktree", "prune");
const du = time(() => sh("du", root, "-sk", mirror, seed));

console.log(
  `repository: ${files} files, ${commits} commits, origin ${size} on disk; median of ${runs}`,
);
const base = results["clone of origin (file://, no mirror)"];
for (const [name, ms] of Object.entries(results))
  console.log(`${name.padEnd(50)} ${ms.toFixed(0).padStart(6)} ms  ${(ms / base).toFixed(2)}x`);
console.log(
  `${"du -sk mirror workspace (quota measurement)".padEnd(50)} ${du.toFixed(0).padStart(6)} ms`,
);
rmSync(root, { recursive: true, force: true });
