import { newTaskId, repoKey, type TaskInputShape } from "@nightshift/contracts";
import { publishTask, type Bus, type PublishResult } from "@nightshift/messaging";
import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { InvalidRequestError } from "./errors.ts";
import { issuesOf } from "./wire/errors.ts";
import { SubmitBody } from "./wire/tasks.ts";

/** A submission: the fields of `SubmitBody`, plus what only in-process producers set. */
export type SubmitRequest = SubmitBody & {
  source?: TaskInputShape["source"];
  /** Directory a relative local `repo` path is resolved against. */
  cwd?: string;
};

/** Normalises a repository argument: existing local paths become absolute, URLs stay as they are. */
export function normaliseRepo(repo: string, cwd: string): string {
  if (/^[a-z+]+:\/\//i.test(repo) || /^[^/]+@[^:]+:/.test(repo)) return repo;
  const abs = isAbsolute(repo) ? repo : resolve(cwd, repo);
  return existsSync(abs) ? abs : repo;
}

/**
 * Checks a request against `SubmitBody` (every problem with its path), builds the task
 * and publishes it (record first, then the message).
 */
export async function submitTask(bus: Bus, request: SubmitRequest): Promise<PublishResult> {
  const { source, cwd, ...body } = request;
  const parsed = SubmitBody.safeParse(body);
  if (!parsed.success) throw new InvalidRequestError("task", issuesOf(parsed.error));
  const req = parsed.data;
  const url = req.repo !== undefined ? normaliseRepo(req.repo, cwd ?? process.cwd()) : undefined;
  const task: TaskInputShape = {
    v: 1,
    id: req.id ?? newTaskId(),
    createdAt: new Date().toISOString(),
    source: source ?? { kind: "cli" },
    prompt: req.prompt,
    ...(url !== undefined
      ? { repo: { url, key: repoKey(url), ...(req.base !== undefined ? { base: req.base } : {}) } }
      : {}),
    ...(req.backend !== undefined ? { backend: req.backend } : {}),
    ...(req.model !== undefined ? { model: req.model } : {}),
    ...(req.mode !== undefined ? { mode: req.mode } : {}),
    ...(req.card !== undefined ? { card: req.card } : {}),
    ...(req.labels !== undefined ? { labels: req.labels } : {}),
    limits: {
      ...(req.timeoutSec !== undefined ? { timeoutSec: req.timeoutSec } : {}),
      ...(req.maxTurns !== undefined ? { maxTurns: req.maxTurns } : {}),
      ...(req.maxCostUsd !== undefined ? { maxCostUsd: req.maxCostUsd } : {}),
    },
  };
  return publishTask(bus, task);
}
