import type { GitHubConfig } from "@nightshift/config";
import type { TaskState } from "@nightshift/contracts";
import type { GitHubApi } from "./api.ts";

type Labels = GitHubConfig["labels"];

/** The status label a task state shows. */
export function statusLabel(labels: Labels, state: TaskState): string {
  switch (state) {
    case "queued":
    case "waiting":
    case "running":
      return labels.inProgress;
    case "succeeded":
      return labels.done;
    case "failed":
    case "cancelled":
      return labels.failed;
    case "blocked":
      return labels.blocked;
  }
}

/**
 * Puts the state's label on the issue and takes the other status labels off, touching
 * only labels that need to change (`current` is what the issue carries now).
 */
export async function applyStatusLabel(
  api: GitHubApi,
  repo: string,
  n: number,
  labels: Labels,
  state: TaskState,
  current: readonly string[],
): Promise<void> {
  const want = statusLabel(labels, state);
  const all = [labels.inProgress, labels.done, labels.failed, labels.blocked];
  for (const l of all) if (l !== want && current.includes(l)) await api.removeLabel(repo, n, l);
  if (!current.includes(want)) await api.addLabels(repo, n, [want]);
}
