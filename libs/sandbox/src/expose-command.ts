import { accessSync, constants, openSync, readSync, closeSync, realpathSync } from "node:fs";
import { delimiter, dirname, isAbsolute, join, sep } from "node:path";

/** The absolute path of `command` on `pathEnv`, like a shell finds it; undefined if absent. */
export function resolveCommand(command: string, pathEnv: string): string | undefined {
  const candidates = command.includes("/")
    ? [command]
    : pathEnv
        .split(delimiter)
        .filter(Boolean)
        .map((d) => join(d, command));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return isAbsolute(c) ? c : realpathSync(c);
    } catch {
      // not here
    }
  }
  return undefined;
}

function startsWithNodeShebang(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const buf = Buffer.alloc(128);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const first = buf.subarray(0, n).toString("utf8").split("\n")[0] ?? "";
    return first.startsWith("#!") && /\bnode\b/.test(first);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The directory an installed package lives in: `…/node_modules/@scope` or `…/node_modules/pkg`. */
function packageRoot(path: string): string | undefined {
  const parts = path.split(sep);
  const i = parts.lastIndexOf("node_modules");
  if (i < 0 || i + 1 >= parts.length) return undefined;
  // A scope directory holds the CLI's platform packages too (`@openai/codex-linux-x64`).
  return parts.slice(0, i + 2).join(sep);
}

export interface ExposedCommand {
  /** The program to run (real path, so it works without the link that found it). */
  path: string;
  /** Host paths the sandbox must show read-only for the program to run. */
  readOnly: string[];
}

/**
 * What a sandbox must show for an agent CLI to run: the package it belongs to (with its
 * sibling platform packages under the same npm scope), and Node.js for script launchers.
 */
export function exposeCommand(command: string, pathEnv: string): ExposedCommand | undefined {
  const found = resolveCommand(command, pathEnv);
  if (found === undefined) return undefined;
  const real = realpathSync(found);
  const readOnly = new Set<string>();
  readOnly.add(packageRoot(real) ?? dirname(real));
  if (startsWithNodeShebang(real)) readOnly.add(dirname(dirname(process.execPath)));
  return { path: real, readOnly: [...readOnly] };
}
