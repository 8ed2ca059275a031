import { git, gitMaybe } from "./git.ts";
import { neverPushedPathspecs } from "./never-pushed.ts";

const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
const ZERO = "0000000000000000000000000000000000000000";

export interface StripResult {
  head: string;
  /** Never-pushed paths that some commit changed and no longer does. */
  stripped: string[];
}

interface Signature {
  name: string;
  email: string;
  date: string;
}

function signature(line: string | undefined): Signature | undefined {
  const m = /^(?:author|committer) (.*) <([^>]*)> (\d+ [+-]\d{4})$/.exec(line ?? "");
  return m ? { name: m[1] ?? "", email: m[2] ?? "", date: m[3] ?? "" } : undefined;
}

async function recommit(gitDir: string, c: string, tree: string, parents: string[]) {
  const raw = await git(gitDir, ["cat-file", "commit", c]);
  const split = raw.indexOf("\n\n");
  const headers = (split < 0 ? raw : raw.slice(0, split)).split("\n");
  const message = split < 0 ? "" : raw.slice(split + 2);
  const author = signature(headers.find((h) => h.startsWith("author ")));
  const committer = signature(headers.find((h) => h.startsWith("committer ")));
  const env: Record<string, string> = {};
  if (author) {
    env["GIT_AUTHOR_NAME"] = author.name;
    env["GIT_AUTHOR_EMAIL"] = author.email;
    env["GIT_AUTHOR_DATE"] = author.date;
  }
  if (committer) {
    env["GIT_COMMITTER_NAME"] = committer.name;
    env["GIT_COMMITTER_EMAIL"] = committer.email;
    env["GIT_COMMITTER_DATE"] = committer.date;
  }
  const args = ["commit-tree", tree, ...parents.flatMap((p) => ["-p", p]), "-F", "-"];
  return git(gitDir, args, { env, input: message });
}

async function entry(gitDir: string, commit: string, path: string): Promise<string | undefined> {
  const line = await gitMaybe(gitDir, ["ls-tree", "--full-tree", commit, "--", path]);
  const m = /^(\d+) \w+ ([0-9a-f]+)\t/.exec(line ?? "");
  return m ? `${m[1]} ${m[2]}` : undefined;
}

/**
 * Rewrites the commits that would be pushed (`head --not --alternate-refs`: not yet on
 * any of origin's branches or tags as the mirror knows them) so that none of them changes a never-pushed path: each such path
 * keeps its first parent's version, or, in a merge, the version of the parent it was
 * taken from. Commits left empty are dropped; authors, dates and messages are kept.
 * Commits that need no change keep their ids. `index` is a scratch index file.
 */
export async function stripNeverPushed(
  gitDir: string,
  head: string,
  index: string,
): Promise<StripResult> {
  const pathspecs = neverPushedPathspecs();
  const range = ["--topo-order", "--reverse", "--parents", head, "--not", "--alternate-refs"];
  const touching = await git(gitDir, ["rev-list", "--full-history", ...range, "--", ...pathspecs]);
  if (touching === "") return { head, stripped: [] };
  const list = (await git(gitDir, ["rev-list", ...range])).split("\n").filter(Boolean);
  const map = new Map<string, string>();
  const stripped = new Set<string>();
  const env = { GIT_INDEX_FILE: index };
  for (const line of list) {
    const [c = "", ...orig] = line.split(" ");
    const parents = orig.map((p) => map.get(p) ?? p);
    const first = parents[0] ?? EMPTY_TREE;
    const changed = (
      await git(gitDir, [
        "diff-tree",
        "-r",
        "--no-renames",
        "--name-only",
        first,
        c,
        "--",
        ...pathspecs,
      ])
    )
      .split("\n")
      .filter(Boolean);
    const updates: string[] = [];
    for (const path of changed) {
      const mine = await entry(gitDir, c, path);
      let keep = false;
      for (const p of parents.slice(1)) if ((await entry(gitDir, p, path)) === mine) keep = true;
      if (keep) continue;
      const theirs = parents[0] === undefined ? undefined : await entry(gitDir, first, path);
      updates.push(theirs === undefined ? `0 ${ZERO}\t${path}` : `${theirs}\t${path}`);
      stripped.add(path);
    }
    const origTree = await git(gitDir, ["rev-parse", `${c}^{tree}`]);
    let tree = origTree;
    if (updates.length > 0) {
      await git(gitDir, ["read-tree", c], { env });
      await git(gitDir, ["update-index", "--index-info"], {
        env,
        input: updates.join("\n") + "\n",
      });
      tree = await git(gitDir, ["write-tree"], { env });
    }
    const sameParents = parents.every((p, i) => p === orig[i]);
    if (tree === origTree && sameParents) {
      map.set(c, c);
      continue;
    }
    const firstTree =
      parents[0] === undefined ? EMPTY_TREE : await git(gitDir, ["rev-parse", `${first}^{tree}`]);
    if (parents.length <= 1 && tree === firstTree && parents[0] !== undefined) {
      map.set(c, parents[0]);
      continue;
    }
    map.set(c, await recommit(gitDir, c, tree, parents));
  }
  return { head: map.get(head) ?? head, stripped: [...stripped].sort() };
}
