import { NO_REPO_KEY, Subjects, type TaskRecord } from "@nightshift/contracts";
import { applyTransition, eventPublisher, type Bus } from "@nightshift/messaging";

function retriesOf(r: TaskRecord): number {
  return r.transitions.filter((t) => t.state === "queued" && t.reason === "retry").length;
}

/**
 * Runs a failed task again under the same id (so on the same branch, with the same status
 * comment): its record goes back to `queued` with the executor's attempt count reset, and
 * its message is published again as `<id>:retry<n>`. A record this left `queued` before a
 * crash is published again under the same `n`, which JetStream deduplicates.
 */
export async function retryTask(bus: Bus, taskId: string): Promise<boolean> {
  const out = await bus.tasks.update(taskId, (r) =>
    r.state === "failed"
      ? applyTransition(r, "queued", {
          redrive: true,
          reason: "retry",
          detail: `retry ${retriesOf(r) + 1} after a failure`,
          patch: (next) => {
            next.attempts = 0;
          },
        })
      : undefined,
  );
  const record = out?.record;
  if (record?.state !== "queued" || record.transitions.at(-1)?.reason !== "retry") return false;
  const n = retriesOf(record);
  const task = record.task;
  await bus.js.publish(Subjects.taskRun(task.repo?.key ?? NO_REPO_KEY), JSON.stringify(task), {
    msgID: `${taskId}:retry${n}`,
  });
  await eventPublisher(bus.js, taskId, 0, `retry${n}`).emitNow({
    type: "state",
    state: "queued",
    reason: "retry",
  });
  return true;
}
