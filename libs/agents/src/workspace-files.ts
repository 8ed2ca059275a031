import { constants } from "node:fs";
import { lchown, lstat, mkdir, open, readdir, readFile, realpath } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

/** A tool call the agent got wrong (a path outside the workspace, an ambiguous edit …). */
export class ToolError extends Error {
  readonly code = "TOOL_INPUT" as const;
  constructor(message: string) {
    super(message);
    this.name = "ToolError";
  }
}

function within(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Files of one workspace, for tools that run in the executor: every path is resolved
 * inside the workspace, following symbolic links, and refused when it leads outside.
 * Files and folders created are given to the agent's user.
 */
export class WorkspaceFiles {
  readonly root: string;
  readonly #owner: { uid: number; gid: number } | undefined;

  constructor(root: string, owner?: { uid: number; gid: number }) {
    this.root = root;
    this.#owner = owner;
  }

  /** The absolute path of `p` (relative to the workspace, or absolute inside it). */
  async resolve(p: string): Promise<string> {
    const root = await realpath(this.root);
    const abs = resolve(root, p);
    if (!within(root, abs)) throw new ToolError(`${p} is outside the workspace`);
    let probe = abs;
    while (!(await exists(probe))) probe = dirname(probe);
    const real = await realpath(probe);
    if (!within(root, real))
      throw new ToolError(`${p} leads outside the workspace through a symbolic link`);
    return abs;
  }

  display(abs: string): string {
    return relative(this.root, abs) || ".";
  }

  async read(p: string, maxBytes = 256 * 1024): Promise<string> {
    const abs = await this.resolve(p);
    const st = await lstat(abs).catch(() => undefined);
    if (!st) throw new ToolError(`${p} does not exist`);
    if (st.isDirectory()) throw new ToolError(`${p} is a directory`);
    const text = await readFile(abs, "utf8");
    return text.length > maxBytes
      ? `${text.slice(0, maxBytes)}\n[… truncated at ${maxBytes} bytes]`
      : text;
  }

  async write(p: string, content: string): Promise<void> {
    const abs = await this.resolve(p);
    await this.#mkdirs(dirname(abs));
    // O_NOFOLLOW: a link swapped in after the check is not followed.
    const fh = await open(
      abs,
      constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
      0o644,
    );
    try {
      await fh.writeFile(content, "utf8");
    } finally {
      await fh.close();
    }
    if (this.#owner) await lchown(abs, this.#owner.uid, this.#owner.gid);
  }

  /** Replaces `oldText` with `newText`; `oldText` must occur exactly once unless `all`. */
  async edit(p: string, oldText: string, newText: string, all = false): Promise<number> {
    if (oldText === "") throw new ToolError("old_text must not be empty");
    const text = await this.read(p, Number.MAX_SAFE_INTEGER);
    const count = text.split(oldText).length - 1;
    if (count === 0) throw new ToolError(`old_text was not found in ${p}`);
    if (count > 1 && !all)
      throw new ToolError(
        `old_text occurs ${count} times in ${p}; give more context or set replace_all`,
      );
    await this.write(
      p,
      all ? text.split(oldText).join(newText) : text.replace(oldText, () => newText),
    );
    return all ? count : 1;
  }

  /** Files under `p` (recursively, without `.git`), relative to the workspace. */
  async list(p = ".", limit = 500): Promise<{ files: string[]; truncated: boolean }> {
    const start = await this.resolve(p);
    const files: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true });
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const e of entries) {
        if (files.length >= limit) return;
        if (e.name === ".git") continue;
        const abs = join(dir, e.name);
        if (e.isDirectory()) await walk(abs);
        else files.push(relative(this.root, abs).split(sep).join("/"));
      }
    };
    const st = await lstat(start).catch(() => undefined);
    if (!st) throw new ToolError(`${p} does not exist`);
    if (st.isDirectory()) await walk(start);
    else files.push(this.display(start));
    return { files, truncated: files.length >= limit };
  }

  async #mkdirs(dir: string): Promise<void> {
    const first = await mkdir(dir, { recursive: true });
    if (!this.#owner || first === undefined) return;
    for (let d = dir; within(first, d); d = dirname(d)) {
      await lchown(d, this.#owner.uid, this.#owner.gid);
      if (d === first) break;
    }
  }
}
