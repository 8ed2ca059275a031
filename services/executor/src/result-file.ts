import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { RESULT_FILE } from "@nightshift/contracts";
import { parseResultFile, type ResultFileState } from "./decide-outcome.ts";

const MAX_RESULT_BYTES = 1 << 20;

/**
 * Reads `.nightshift/result.json` from the agent's workspace without following a symbolic
 * link (the agent could point it anywhere the executor may read) and parses it.
 */
export async function readResultFile(
  workspace: string,
  file: string = RESULT_FILE,
): Promise<ResultFileState> {
  let handle;
  try {
    handle = await open(join(workspace, file), constants.O_RDONLY | constants.O_NOFOLLOW);
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
    return parseResultFile(await handle.readFile("utf8"));
  } finally {
    await handle.close();
  }
}
