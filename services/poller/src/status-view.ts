import type { TaskRecord } from "@nightshift/contracts";
import { shortReason, type StatusView } from "@nightshift/github";
import type { ItemState } from "./item-state.ts";

/**
 * What a task's status comment shows, from its current record and its item's state:
 * the attempt, a short public-safe reason, a planned retry or the end of retries.
 */
export function statusView(
  record: TaskRecord,
  item: ItemState,
  o: { trigger: string; maxAttempts: number; secrets: readonly string[] },
): StatusView {
  const failed =
    record.state === "failed" || record.state === "blocked" || record.state === "cancelled";
  const retry = item.retry?.taskId === record.id ? item.retry.due : undefined;
  const last = item.lastTaskId === record.id;
  return {
    taskId: record.id,
    state: record.state,
    trigger: o.trigger,
    attempt: { n: Math.max(1, last ? item.attempts : 1), max: o.maxAttempts },
    ...(failed ? { reason: shortReason(record.reason, record.detail, o.secrets) } : {}),
    ...(record.state === "failed" && retry ? { retryAt: retry } : {}),
    ...(record.state === "failed" && !retry && item.gaveUp && last ? { gaveUp: true } : {}),
    ...(record.result?.pushed && record.result.branch ? { branch: record.result.branch } : {}),
    ...(record.result?.pullRequestUrl ? { pullRequestUrl: record.result.pullRequestUrl } : {}),
  };
}
