import { basename } from "node:path";
import { git } from "./git.ts";
import type { Workspace } from "./workspace.ts";

/** Where a repository keeps instructions for agents, relative to its root. */
export const INSTRUCTION_FILES = ["AGENTS.md", "CLAUDE.md"] as const;
/** Role files: `.nightshift/roles/<role>.md`, e.g. `worker.md`, `reviewer.md`. */
export const ROLES_DIR = ".nightshift/roles";
/** Larger files are left out rather than pasted into a prompt. */
export const MAX_INSTRUCTION_BYTES = 256 * 1024;

/** One instruction file; the shape the prompt builder's `RepoInstruction` has. */
export interface InstructionFile {
  path: string;
  content: string;
}

/** A repository's instructions for agents, read from one commit of its base branch. */
export interface RepoInstructions {
  /** The base-branch commit they were read from. */
  commit: string;
  agents?: InstructionFile;
  claude?: InstructionFile;
  /** Role name (file name without `.md`) → its instructions. */
  roles: Record<string, InstructionFile>;
  /** Files that exist but were left out, with why. */
  skipped: { path: string; reason: string }[];
}

/**
 * Reads `AGENTS.md`, `CLAUDE.md` and `.nightshift/roles/*.md` from `commit` of a mirror
 * (`git ls-tree` / `cat-file`, no checkout). Pass the base branch's commit, never the
 * branch the agent writes, so a pull request cannot rewrite the instructions of the agent
 * working on it. Symbolic links and files over MAX_INSTRUCTION_BYTES are skipped.
 */
export async function readRepoInstructions(
  mirror: string,
  commit: string,
): Promise<RepoInstructions> {
  const out: RepoInstructions = { commit, roles: {}, skipped: [] };
  const listing = await git(mirror, [
    "ls-tree",
    "-r",
    "-l",
    "--full-tree",
    commit,
    "--",
    ...INSTRUCTION_FILES,
    ROLES_DIR,
  ]);
  for (const line of listing.split("\n").filter(Boolean)) {
    const m = /^(\d+) (\w+) ([0-9a-f]+)\s+(-|\d+)\t(.*)$/.exec(line);
    if (!m) continue;
    const [, mode = "", type = "", sha = "", size = "", path = ""] = m;
    const inRoles = path.startsWith(`${ROLES_DIR}/`) ? path.slice(ROLES_DIR.length + 1) : "";
    const isRole = inRoles.endsWith(".md") && !inRoles.includes("/");
    const known = (INSTRUCTION_FILES as readonly string[]).includes(path);
    if (!isRole && !known) continue;
    if (type !== "blob" || mode === "120000") {
      out.skipped.push({ path, reason: "not a regular file" });
      continue;
    }
    if (Number(size) > MAX_INSTRUCTION_BYTES) {
      out.skipped.push({ path, reason: `larger than ${MAX_INSTRUCTION_BYTES} bytes` });
      continue;
    }
    const file = { path, content: await git(mirror, ["cat-file", "blob", sha], { raw: true }) };
    if (path === "AGENTS.md") out.agents = file;
    else if (path === "CLAUDE.md") out.claude = file;
    else out.roles[basename(path, ".md")] = file;
  }
  return out;
}

/**
 * The files to put in an agent's prompt, in order: `AGENTS.md`, `CLAUDE.md`, then the
 * files of `roles` (e.g. `["worker"]`) that exist.
 */
export function instructionList(
  instr: RepoInstructions | undefined,
  roles: readonly string[] = [],
): InstructionFile[] {
  if (!instr) return [];
  const out: InstructionFile[] = [];
  if (instr.agents) out.push(instr.agents);
  if (instr.claude) out.push(instr.claude);
  for (const role of roles) {
    const file = instr.roles[role];
    if (file) out.push(file);
  }
  return out;
}

/** The instructions for a workspace's task, from its base branch; undefined without a repository. */
export async function workspaceInstructions(ws: Workspace): Promise<RepoInstructions | undefined> {
  if (!ws.repo) return undefined;
  return readRepoInstructions(ws.repo.mirror, ws.repo.baseCommit);
}
