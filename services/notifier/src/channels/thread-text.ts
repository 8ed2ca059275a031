import type { TaskRecord } from "@nightshift/contracts";
import { redactText } from "@nightshift/runtime";
import type { Notification } from "../channel.ts";

function reasonOf(r: TaskRecord, secrets: readonly string[]): string | undefined {
  if (!r.reason) return undefined;
  const detail = (r.detail ?? "").split("\n")[0]?.slice(0, 200) ?? "";
  return redactText(detail ? `${r.reason}: ${detail}` : r.reason, secrets);
}

/** The text a thread (GitHub issue, Linear issue) gets for a notification. */
export function threadText(n: Notification, secrets: readonly string[]): string {
  if (n.escalation) {
    const e = n.escalation;
    return [
      `**nightshift** needs a person here: ${e.title}`,
      "",
      `${redactText(e.reason, secrets)} (rule \`${e.rule}\`). No agent was started for it.`,
      ...(e.url ? ["", e.url] : []),
    ].join("\n");
  }
  const r = n.record;
  if (!r) return `**nightshift**: ${n.kind} notification`;
  const reason = reasonOf(r, secrets);
  const lines = [`**nightshift** task \`${r.id}\` is **${r.state}**.`];
  if (reason && r.state !== "succeeded") lines.push("", `Reason: ${reason}`);
  if (r.result?.pullRequestUrl) lines.push("", `Pull request: ${r.result.pullRequestUrl}`);
  else if (r.result?.pushed && r.result.branch) lines.push("", `Branch: \`${r.result.branch}\``);
  return lines.join("\n");
}
