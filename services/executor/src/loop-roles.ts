import type { NightshiftConfig } from "@nightshift/config";
import type { PlayedBy, Task } from "@nightshift/contracts";

/**
 * The backend a task's attempt runs: a review loop's worker is `loop.worker.backend`, else
 * the task's backend, else the config's `loop.worker.backend`; any task falls back to
 * `executor.defaultBackend`.
 */
export function workerBackend(config: NightshiftConfig, task: Task): string | undefined {
  if (!task.loop) return task.backend ?? config.executor.defaultBackend;
  return (
    task.loop.worker?.backend ??
    task.backend ??
    config.loop.worker.backend ??
    config.executor.defaultBackend
  );
}

/** The backends a task's attempt may use: its own, and a review loop's reviewer's. */
export function roleBackends(config: NightshiftConfig, task: Task, worker: string): string[] {
  return task.loop ? [worker, loopRoles(config, task, worker).reviewer.backend] : [worker];
}

/** A configured role's model, when it is meant for `backend`. */
function configuredModel(
  role: { backend?: string | undefined; model?: string | undefined },
  backend: string,
): string | undefined {
  return role.backend === undefined || role.backend === backend ? role.model : undefined;
}

/**
 * Who plays the two roles of a review loop whose worker runs on `worker` (see
 * workerBackend): the task's own settings first (its `loop`, then its model), then the
 * config's `loop` section. The reviewer plays on the worker's backend unless told
 * otherwise, and then with the worker's model; a model given for one backend is never
 * sent to another.
 */
export function loopRoles(
  config: NightshiftConfig,
  task: Task,
  worker: string,
): { worker: PlayedBy; reviewer: PlayedBy } {
  const cfg = config.loop;
  const workerModel = task.loop?.worker?.model ?? task.model ?? configuredModel(cfg.worker, worker);
  const reviewer = task.loop?.reviewer?.backend ?? cfg.reviewer.backend ?? worker;
  const reviewerModel =
    task.loop?.reviewer?.model ??
    configuredModel(cfg.reviewer, reviewer) ??
    (reviewer === worker ? workerModel : undefined);
  return {
    worker: { backend: worker, ...(workerModel !== undefined ? { model: workerModel } : {}) },
    reviewer: {
      backend: reviewer,
      ...(reviewerModel !== undefined ? { model: reviewerModel } : {}),
    },
  };
}
