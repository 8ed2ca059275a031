import { PermanentError } from "@nightshift/errors";
import { gitLines } from "./git.ts";
import { secretsIn, type KnownSecret } from "./secret-patterns.ts";

/** One place a credential was found: never the credential itself. */
export interface SecretFinding {
  commit: string;
  /** The file, or `(commit message)`; `(a file name)` when the name itself holds it. */
  file: string;
  /** What was found: `a GitHub token`, `the value of GITHUB_TOKEN` … */
  what: string;
}

/**
 * A push was refused because the commits to push contain credentials. Permanent: the
 * same commits would be refused again. Its message names files and kinds, never values.
 */
export class SecretDetectedError extends PermanentError {
  readonly findings: readonly SecretFinding[];
  constructor(findings: readonly SecretFinding[]) {
    const shown = findings
      .slice(0, 5)
      .map((f) => `${f.what} in ${f.file} (commit ${f.commit.slice(0, 10)})`);
    const more = findings.length > 5 ? `; and ${findings.length - 5} more` : "";
    super("secret-detected", `push blocked: found ${shown.join("; ")}${more}`);
    this.name = "SecretDetectedError";
    this.findings = findings;
  }
}

const MARK = "\u0000nightshift-commit ";

/**
 * Scans the commits `head --not --alternate-refs` (what a push would send: not on any of
 * origin's branches or tags as the mirror knows them) for credentials:
 * every line they add (merges: the lines their resolution added), their file names and
 * their messages. Binary files are read as text.
 */
export async function scanForSecrets(
  gitDir: string,
  head: string,
  known: readonly KnownSecret[],
): Promise<SecretFinding[]> {
  const findings: SecretFinding[] = [];
  const seen = new Set<string>();
  const add = (commit: string, file: string, hits: string[]): void => {
    for (const what of hits) {
      const key = `${commit}\u0000${file}\u0000${what}`;
      if (!seen.has(key)) {
        seen.add(key);
        findings.push({ commit, file, what });
      }
    }
  };
  let commit = "";
  let file = "";
  let inMessage = false;
  let inHunk = false;
  let width = 1;
  await gitLines(
    gitDir,
    [
      "log",
      `--format=${MARK.replace("\u0000", "%x00")}%H%n%B%n%x00`,
      "-p",
      "--cc",
      "--text",
      "--no-color",
      "--no-ext-diff",
      "--no-textconv",
      "--no-renames",
      "--unified=0",
      head,
      "--not",
      "--alternate-refs",
    ],
    (line) => {
      if (line.startsWith(MARK)) {
        commit = line.slice(MARK.length);
        file = "(commit message)";
        inMessage = true;
        inHunk = false;
        return;
      }
      if (inMessage) {
        if (line === "\u0000") inMessage = false;
        else add(commit, "(commit message)", secretsIn(line, known));
        return;
      }
      if (line.startsWith("diff ")) {
        inHunk = false;
        const name = /^diff (?:--git a\/.* b\/|--cc |--combined )(.*)$/.exec(line)?.[1] ?? line;
        const hits = secretsIn(name, known);
        if (hits.length > 0) add(commit, "(a file name)", hits);
        file = hits.length > 0 ? "(a file name)" : name;
        return;
      }
      if (line.startsWith("@@")) {
        inHunk = true;
        width = (/^(@+)/.exec(line)?.[1]?.length ?? 2) - 1;
        return;
      }
      if (!inHunk) return;
      const prefix = line.slice(0, width);
      if (prefix.includes("+") && !prefix.includes("-"))
        add(commit, file, secretsIn(line.slice(width), known));
    },
  );
  return findings;
}
