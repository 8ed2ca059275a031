import { constants, lstatSync } from "node:fs";
import { open, realpath } from "node:fs/promises";
import { dirname, join } from "node:path";
import { RESULT_FILE } from "@nightshift/contracts";
import { parseResultFile, type ResultFileState } from "./decide-outcome.ts";

const MAX_RESULT_BYTES = 1 << 20;

/** A file an agent wrote, read without trusting it. */
export type AgentFile =
  { kind: "missing" } | { kind: "invalid"; error: string } | { kind: "text"; text: string };

/**
 * Reads a file an agent wrote in its workspace without following a symbolic link (the
 * agent could point it anywhere the executor may read): neither the file nor, when
 * `folder` is given, the folder it is in (which must really be that folder).
 */
export async function readAgentFile(
  workspace: string,
  file: string,
  folder?: string,
): Promise<AgentFile> {
  const path = join(workspace, file);
  if (folder !== undefined) {
    const real = await realpath(dirname(path)).catch(() => undefined);
    const expected = await realpath(folder).catch(() => undefined);
    if (real === undefined || expected === undefined) return { kind: "missing" };
    if (real !== expected) return { kind: "invalid", error: `${file} is not where it should be` };
  }
  // The common case, no file, answered without a failed open (whose error costs more).
  try {
    if (lstatSync(path, { throwIfNoEntry: false }) === undefined) return { kind: "missing" };
  } catch {
    // ENOTDIR and the like: the open below says what it is
  }
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return { kind: "missing" };
    if (code === "ELOOP") return { kind: "invalid", error: `${file} is a symbolic link` };
    return { kind: "invalid", error: `${file} cannot be read (${code ?? "error"})` };
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return { kind: "invalid", error: `${file} is not a regular file` };
    if (info.size > MAX_RESULT_BYTES)
      return { kind: "invalid", error: `${file} is larger than ${MAX_RESULT_BYTES} bytes` };
    return { kind: "text", text: await handle.readFile("utf8") };
  } finally {
    await handle.close();
  }
}

/** Reads and parses `.nightshift/result.json` from the agent's workspace. */
export async function readResultFile(
  workspace: string,
  file: string = RESULT_FILE,
): Promise<ResultFileState> {
  const read = await readAgentFile(workspace, file);
  return read.kind === "text" ? parseResultFile(read.text) : read;
}
