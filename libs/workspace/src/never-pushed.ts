/**
 * Paths that never leave the workspace: nightshift's own folder (result file, transcripts,
 * logs) and the transcripts and histories agent CLIs write into their working directory.
 * `glob` is a git pathspec glob (for diffs and rewrites), `ignore` the same rule as a
 * gitignore line (for the agent's `.git/info/exclude`).
 */
export const NEVER_PUSHED: readonly { glob: string; ignore: string }[] = [
  { glob: ".nightshift/**", ignore: "/.nightshift/" },
  { glob: "**/.aider.chat.history.md", ignore: ".aider.chat.history.md" },
  { glob: "**/.aider.input.history", ignore: ".aider.input.history" },
  { glob: "**/.aider.llm.history", ignore: ".aider.llm.history" },
  { glob: "**/.aider.tags.cache.v*/**", ignore: ".aider.tags.cache.v*/" },
  { glob: ".claude/projects/**", ignore: "/.claude/projects/" },
  { glob: ".claude/todos/**", ignore: "/.claude/todos/" },
  { glob: ".claude/shell-snapshots/**", ignore: "/.claude/shell-snapshots/" },
  { glob: ".claude/settings.local.json", ignore: "/.claude/settings.local.json" },
  { glob: ".codex/sessions/**", ignore: "/.codex/sessions/" },
  { glob: ".codex/log/**", ignore: "/.codex/log/" },
  { glob: ".codex/history.jsonl", ignore: "/.codex/history.jsonl" },
];

/** Pathspecs selecting the never-pushed paths. */
export function neverPushedPathspecs(): string[] {
  return NEVER_PUSHED.map((p) => `:(glob)${p.glob}`);
}

/** Pathspecs selecting everything but the never-pushed paths. */
export function pushablePathspecs(): string[] {
  return [".", ...NEVER_PUSHED.map((p) => `:(exclude,glob)${p.glob}`)];
}

/** The never-pushed rules as an exclude file for the agent's repository. */
export function neverPushedExcludes(): string {
  return (
    "# written by nightshift: these paths are never committed or pushed\n" +
    NEVER_PUSHED.map((p) => p.ignore).join("\n") +
    "\n"
  );
}
