import type { TaskRecord } from "@nightshift/contracts";
import type { GitHubThread } from "@nightshift/github";

function quote(text: string): string {
  const line = text.trim().split("\n")[0] ?? "";
  return `> ${line.length > 200 ? `${line.slice(0, 199)}…` : line}`;
}

/** One line on who asked for the task and how, for its status comment. */
export function describeTrigger(record: TaskRecord, t: GitHubThread): string {
  const src = record.task.source;
  const by = `@${src.author ?? "someone"}`;
  const snap = src.snapshot;
  switch (t.trigger) {
    case "issue":
      return (src.ref ?? "").includes(":assigned-")
        ? `${by} assigned this issue to me.`
        : `${by} labelled this issue for me.`;
    case "dispatch":
      return `${by} dispatched this task${t.target !== t.repo ? ` to ${t.target}` : ""}.`;
    case "mention":
      return `${by} asked:\n${quote(snap?.body ?? "")}`;
    case "review":
      return `${by} reviewed this pull request and asked for changes.`;
    case "checks":
      return `Checks failed on this pull request: ${(snap?.body ?? "").split("\n").join(", ")}.`;
    case "conflict":
      return "This pull request conflicts with its base branch.";
    default:
      return `${by} asked for this.`;
  }
}
