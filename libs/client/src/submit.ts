import {
  newTaskId,
  repoKey,
  type TaskCard,
  type TaskInputShape,
  type TaskMode,
} from "@nightshift/contracts";
import { publishTask, type Bus, type PublishResult } from "@nightshift/messaging";
import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";

export interface SubmitRequest {
  prompt: string;
  /** A local path (made absolute) or a git URL. */
  repo?: string | undefined;
  base?: string | undefined;
  backend?: string | undefined;
  model?: string | undefined;
  timeoutSec?: number | undefined;
  maxTurns?: number | undefined;
  maxCostUsd?: number | undefined;
  mode?: TaskMode | undefined;
  card?: TaskCard | undefined;
  source?: TaskInputShape["source"];
  /** Use this id instead of a new one (idempotent re-submission). */
  id?: string | undefined;
  cwd?: string;
}

/** Normalises a repository argument: existing local paths become absolute, URLs stay as they are. */
export function normaliseRepo(repo: string, cwd: string): string {
  if (/^[a-z+]+:\/\//i.test(repo) || /^[^/]+@[^:]+:/.test(repo)) return repo;
  const abs = isAbsolute(repo) ? repo : resolve(cwd, repo);
  return existsSync(abs) ? abs : repo;
}

/** Builds a task from a request and publishes it (record first, then the message). */
export async function submitTask(bus: Bus, req: SubmitRequest): Promise<PublishResult> {
  const url =
    req.repo !== undefined ? normaliseRepo(req.repo, req.cwd ?? process.cwd()) : undefined;
  const task: TaskInputShape = {
    v: 1,
    id: req.id ?? newTaskId(),
    createdAt: new Date().toISOString(),
    source: req.source ?? { kind: "cli" },
    prompt: req.prompt,
    ...(url !== undefined
      ? { repo: { url, key: repoKey(url), ...(req.base !== undefined ? { base: req.base } : {}) } }
      : {}),
    ...(req.backend !== undefined ? { backend: req.backend } : {}),
    ...(req.model !== undefined ? { model: req.model } : {}),
    ...(req.mode !== undefined ? { mode: req.mode } : {}),
    ...(req.card !== undefined ? { card: req.card } : {}),
    limits: {
      ...(req.timeoutSec !== undefined ? { timeoutSec: req.timeoutSec } : {}),
      ...(req.maxTurns !== undefined ? { maxTurns: req.maxTurns } : {}),
      ...(req.maxCostUsd !== undefined ? { maxCostUsd: req.maxCostUsd } : {}),
    },
  };
  return publishTask(bus, task);
}
