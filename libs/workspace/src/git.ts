import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { NightshiftError } from "@nightshift/errors";

const run = promisify(execFile);

/** Identity of commits nightshift makes on the agent's behalf. */
export const COMMITTER = { name: "nightshift", email: "nightshift@localhost" };

const GIT_ENV: Record<string, string> = {
  GIT_TERMINAL_PROMPT: "0",
  GIT_AUTHOR_NAME: COMMITTER.name,
  GIT_AUTHOR_EMAIL: COMMITTER.email,
  GIT_COMMITTER_NAME: COMMITTER.name,
  GIT_COMMITTER_EMAIL: COMMITTER.email,
};

export class GitError extends NightshiftError {
  readonly args: readonly string[];
  readonly stderr: string;
  constructor(args: readonly string[], stderr: string, cause: unknown) {
    super(
      "RETRYABLE",
      `git ${args.join(" ")} failed: ${stderr.trim().split("\n").slice(-3).join(" | ")}`,
      { cause },
    );
    this.name = "GitError";
    this.args = args;
    this.stderr = stderr;
  }
}

/** Runs git with a fixed identity and no prompts; throws GitError with git's own words. */
export async function git(
  cwd: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<string> {
  try {
    const { stdout } = await run("git", [...args], {
      cwd,
      env: { ...process.env, ...GIT_ENV, ...env },
      maxBuffer: 64 << 20,
      timeout: 300_000,
    });
    return stdout.trim();
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? String(err);
    throw new GitError(args, stderr, err);
  }
}
