import { randomBytes } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";

/** Who runs a workspace: an executor instance, the process and host it lives in. */
export const WorkspaceOwner = z.strictObject({
  instance: z.string().min(1),
  pid: z.number().int().positive(),
  host: z.string().min(1),
});
export type WorkspaceOwner = z.infer<typeof WorkspaceOwner>;

/**
 * The ownership record of a workspace, `<root>/<taskId>/meta.json`, outside the agent's
 * directory. `owner` is null once the attempt that used it ended without finishing the
 * task (kept for the next attempt); `updatedAt` moves while an attempt runs.
 */
export const WorkspaceMeta = z.strictObject({
  v: z.literal(1),
  taskId: z.string().min(1),
  owner: WorkspaceOwner.nullable(),
  attempt: z.number().int().nonnegative(),
  repo: z
    .strictObject({
      url: z.string(),
      key: z.string(),
      branch: z.string(),
      baseRef: z.string(),
    })
    .optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type WorkspaceMeta = z.infer<typeof WorkspaceMeta>;

export const META_FILE = "meta.json";

/** The record in `home`, or undefined when it is missing or not one of ours. */
export async function readMeta(home: string): Promise<WorkspaceMeta | undefined> {
  const text = await readFile(join(home, META_FILE), "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = WorkspaceMeta.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Replaces the record atomically (write beside, then rename). */
export async function writeMeta(home: string, meta: WorkspaceMeta): Promise<void> {
  const tmp = join(home, `.${META_FILE}.${randomBytes(4).toString("hex")}`);
  await writeFile(tmp, JSON.stringify(meta, null, 2) + "\n");
  await rename(tmp, join(home, META_FILE));
}
