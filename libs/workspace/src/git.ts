import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { NightshiftError } from "@nightshift/errors";

/** Identity of commits nightshift makes on the agent's behalf. */
export const COMMITTER = { name: "nightshift", email: "nightshift@localhost" };

const GIT_ENV: Record<string, string> = {
  GIT_TERMINAL_PROMPT: "0",
  GIT_AUTHOR_NAME: COMMITTER.name,
  GIT_AUTHOR_EMAIL: COMMITTER.email,
  GIT_COMMITTER_NAME: COMMITTER.name,
  GIT_COMMITTER_EMAIL: COMMITTER.email,
};

/** Variables that would point git at another repository than the one we name. */
const INHERITED_GIT_VARS = [
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_INDEX_FILE",
  "GIT_OBJECT_DIRECTORY",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_COMMON_DIR",
  "GIT_NAMESPACE",
  "GIT_PREFIX",
];

/** Hides the user info of URLs (`https://user:token@host`) in text shown to people. */
export function redactUrls(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/@\s'"]+@/gi, "$1***@");
}

export class GitError extends NightshiftError {
  readonly args: readonly string[];
  readonly stderr: string;
  constructor(args: readonly string[], stderr: string, cause: unknown) {
    const said = stderr.trim().split("\n").slice(-3).join(" | ");
    // Messages end up in task records and logs: never with a remote's credentials.
    super("RETRYABLE", redactUrls(`git ${args.join(" ")} failed: ${said}`), { cause });
    this.name = "GitError";
    this.args = args.map(redactUrls);
    this.stderr = redactUrls(stderr);
  }
}

export interface GitOptions {
  /** Extra environment (GIT_INDEX_FILE, author dates …). */
  env?: Record<string, string>;
  /** Written to git's stdin. */
  input?: string;
  timeoutMs?: number;
  /** Keep stdout as git wrote it (by default it is trimmed). */
  raw?: boolean;
}

function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of INHERITED_GIT_VARS) delete env[k];
  return { ...env, ...GIT_ENV, ...extra };
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function spawnGit(cwd: string, args: readonly string[], opts: GitOptions): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", [...args], {
      cwd,
      env: gitEnv(opts.env),
      stdio: ["pipe", "pipe", "pipe"],
      timeout: opts.timeoutMs ?? 300_000,
      killSignal: "SIGKILL",
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      }),
    );
    child.stdin.on("error", () => undefined);
    child.stdin.end(opts.input ?? "");
  });
}

/** Runs git with a fixed identity and no prompts; throws GitError with git's own words. */
export async function git(
  cwd: string,
  args: readonly string[],
  opts: GitOptions = {},
): Promise<string> {
  let ran: Ran;
  try {
    ran = await spawnGit(cwd, args, opts);
  } catch (err) {
    throw new GitError(args, String(err), err);
  }
  if (ran.code !== 0) throw new GitError(args, ran.stderr || `exit code ${ran.code}`, undefined);
  return opts.raw === true ? ran.stdout : ran.stdout.trim();
}

/** Like `git`, but a failure (a missing ref, say) yields undefined instead of an error. */
export async function gitMaybe(
  cwd: string,
  args: readonly string[],
  opts: GitOptions = {},
): Promise<string | undefined> {
  try {
    return await git(cwd, args, opts);
  } catch (err) {
    if (err instanceof GitError) return undefined;
    throw err;
  }
}

/**
 * Streams git's stdout line by line (for diffs too large to hold), then checks the exit
 * code. Stops early, killing git, when `onLine` returns false.
 */
export async function gitLines(
  cwd: string,
  args: readonly string[],
  onLine: (line: string) => boolean | void,
  opts: GitOptions = {},
): Promise<void> {
  const child = spawn("git", [...args], {
    cwd,
    env: gitEnv(opts.env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const err: Buffer[] = [];
  child.stderr.on("data", (b: Buffer) => err.push(b));
  const closed = new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  let stopped = false;
  const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
  for await (const line of lines) {
    if (onLine(line) === false) {
      stopped = true;
      child.kill("SIGKILL");
      break;
    }
  }
  const code = await closed;
  if (!stopped && code !== 0) {
    throw new GitError(args, Buffer.concat(err).toString("utf8") || `exit code ${code}`, undefined);
  }
}

/** Quotes one word for the shell git uses to run `--upload-pack`. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
