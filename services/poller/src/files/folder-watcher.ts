import type { FileSource } from "@nightshift/config";
import { deterministicTaskId, repoKey, type TaskInputShape } from "@nightshift/contracts";
import { coerceError } from "@nightshift/errors";
import type { Logger } from "@nightshift/runtime";
import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import type { Acceptance } from "../accept.ts";
import { BoundedMap } from "../bounded-map.ts";
import { ItemKeys } from "../kv-keys.ts";
import type { Trigger } from "../trigger.ts";
import { cardKey, readTaskFile, writeBack, type TaskFile } from "./task-file.ts";

/** Statuses that ask for a run: none yet, or `pending` (set it again to run a card again). */
const WANTED = new Set([undefined, "pending"]);

export function fileItem(path: string): string {
  return ItemKeys.file(createHash("sha256").update(path).digest("hex").slice(0, 16));
}

function task(
  id: string,
  key: string,
  path: string,
  f: TaskFile,
  src: FileSource,
  o: { backend?: string | undefined; model?: string | undefined },
): TaskInputShape {
  const repo = f.fields.repo ?? src.repo;
  const url =
    repo === undefined
      ? undefined
      : isAbsolute(repo) || /^[a-z+]+:\/\//i.test(repo) || /^[^/]+@[^:]+:/.test(repo)
        ? repo
        : resolve(repo);
  const backend = f.fields.backend ?? o.backend;
  const model = f.fields.model ?? o.model;
  return {
    v: 1,
    id,
    createdAt: new Date().toISOString(),
    kind: "file",
    prompt: f.prompt,
    source: {
      kind: "file",
      ref: key,
      url: `file://${path}`,
      snapshot: {
        ...(f.fields.title ? { title: f.fields.title } : {}),
        body: f.prompt,
        capturedAt: new Date().toISOString(),
      },
      attributes: { path },
    },
    ...(url !== undefined
      ? { repo: { url, key: repoKey(url), ...(f.fields.base ? { base: f.fields.base } : {}) } }
      : {}),
    ...(backend !== undefined ? { backend } : {}),
    ...(model !== undefined ? { model } : {}),
    ...(f.fields.card ? { card: f.fields.card } : {}),
  };
}

/**
 * A folder of task cards (`*.md` with YAML front matter, or `*.json`). A card with no
 * status, or `status: pending`, becomes a task; the write-back sets `status`, `task` and
 * `result` in the card. The trigger key includes the card's content and its last task,
 * so a restart repeats nothing and setting `pending` again asks for a new run.
 */
export class TaskFolderWatcher {
  readonly id: string;
  readonly dir: string;
  readonly #src: FileSource;
  readonly #accept: (t: Trigger) => Promise<Acceptance>;
  readonly #o: { backend?: string | undefined; model?: string | undefined; log: Logger };
  /** Invalid cards already reported, with the problem (reported again when it changes). */
  readonly #warned = new BoundedMap<string, string>(1000);

  constructor(
    src: FileSource,
    accept: (t: Trigger) => Promise<Acceptance>,
    o: { backend?: string | undefined; model?: string | undefined; log: Logger },
  ) {
    this.#src = src;
    this.dir = resolve(src.dir);
    this.#accept = accept;
    this.#o = o;
    this.id = `files.${createHash("sha256").update(this.dir).digest("hex").slice(0, 12)}`;
  }

  async poll(): Promise<void> {
    const names = (await readdir(this.dir)).filter((n) => /\.(md|json)$/.test(n)).sort();
    for (const name of names) {
      const path = join(this.dir, name);
      try {
        const f = await readTaskFile(path);
        if (!f) continue;
        if ("invalid" in f) {
          if (this.#warned.get(path) !== f.invalid)
            this.#o.log.warn({ path, why: f.invalid }, "not a valid task card");
          this.#warned.set(path, f.invalid);
          continue;
        }
        if (!WANTED.has(f.fields.status)) continue;
        const key = cardKey(name, f);
        const id = deterministicTaskId("file", key);
        const result = await this.#accept({
          key,
          item: fileItem(path),
          human: true,
          task: task(id, key, path, f, this.#src, this.#o),
          giveUp: { kind: "none" },
        });
        if (result === "capped")
          await writeBack(path, { status: "failed", result: { reason: "attempt cap reached" } });
        else if (result !== "duplicate") this.#o.log.info({ path, result }, `task card ${result}`);
      } catch (err) {
        this.#o.log.warn(
          { err: coerceError(err), path },
          "task card not handled; retried next poll",
        );
      }
    }
  }
}
