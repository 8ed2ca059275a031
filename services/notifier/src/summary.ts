import type { TaskEvent } from "@nightshift/contracts";
import type { Notification } from "./channel.ts";

export interface Link {
  label: string;
  url: string;
}

/** What every channel says about a notification, in channel-neutral form. */
export interface NotificationView {
  /** `Succeeded`, `Failed`, `Running`, `Escalation` … */
  headline: string;
  emoji: string;
  title: string;
  taskId?: string;
  /** Label → value pairs shown side by side (outcome, cost, duration …). */
  facts: [string, string][];
  /** Longer text: the result summary, the failure detail or the progress lines. */
  body?: string;
  links: Link[];
  /** Small print: task id, branch, backend. */
  context: string[];
}

const EMOJI: Record<string, string> = {
  succeeded: "✅",
  failed: "❌",
  blocked: "⛔",
  cancelled: "🚫",
  queued: "🕒",
  running: "▶️",
  waiting: "⏸️",
  round: "🔁",
  escalation: "🚨",
};

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

function eventLine(e: TaskEvent): string {
  const t = e.at.slice(11, 19);
  if (e.type === "state")
    return `${t} ${e.state}${e.reason ? ` (${e.reason})` : ""}${e.detail ? `: ${e.detail}` : ""}`;
  if (e.type === "round")
    return `${t} round ${e.round} ${e.phase}${e.summary ? `: ${e.summary}` : ""}`;
  return `${t} ${e.type}`;
}

function lastName(n: Notification): string {
  const e = n.events[n.events.length - 1];
  if (e?.type === "state") return e.state;
  if (e?.type === "round") return "round";
  return n.record?.state ?? "update";
}

/** Builds the channel-neutral view of a notification. `taskUrl` has `{taskId}`. */
export function viewOf(n: Notification, taskUrl?: string): NotificationView {
  if (n.escalation) {
    const e = n.escalation;
    return {
      headline: "Escalation",
      emoji: EMOJI["escalation"]!,
      title: e.title,
      facts: [
        ["Source", e.source],
        ["Rule", e.rule],
        ...(e.repo !== undefined ? ([["Repository", e.repo]] as [string, string][]) : []),
      ],
      body: e.reason,
      links: e.url !== undefined ? [{ label: "Open", url: e.url }] : [],
      context: [`escalation ${e.id}`],
    };
  }
  const r = n.record;
  const name = lastName(n);
  const task = r?.task;
  const firstLine = task?.source.snapshot?.title ?? task?.prompt.split("\n")[0] ?? "(unknown task)";
  const schedule = task?.source.attributes["schedule"];
  const title = schedule !== undefined ? `${schedule}: ${firstLine}` : firstLine;
  const taskId = r?.id ?? n.events[0]?.taskId;
  const facts: [string, string][] = [];
  const links: Link[] = [];
  let body: string | undefined;
  if (n.kind === "terminal" && r) {
    const ev = n.events[0];
    const reason = ev?.type === "state" ? ev.reason : r.reason;
    facts.push(["Outcome", r.result?.outcome ?? reason ?? name]);
    facts.push(["Cost", `$${r.usage.costUsd.toFixed(4)}`]);
    const end = r.finishedAt ?? ev?.at;
    if (end !== undefined)
      facts.push([
        "Duration",
        formatDuration(Date.parse(end) - Date.parse(r.startedAt ?? r.createdAt)),
      ]);
    facts.push(["Attempts", String(r.attempts)]);
    body = r.result?.summary ?? (ev?.type === "state" ? ev.detail : undefined) ?? r.detail;
  } else {
    body = n.events.map(eventLine).join("\n");
  }
  if (task?.repo) facts.push(["Repository", task.repo.url]);
  if (task)
    facts.push(["Source", `${task.source.kind}${task.source.ref ? ` ${task.source.ref}` : ""}`]);
  if (r?.result?.pullRequestUrl)
    links.push({ label: "Pull request", url: r.result.pullRequestUrl });
  if (task?.source.url) links.push({ label: "Source", url: task.source.url });
  if (taskUrl !== undefined && taskId !== undefined)
    links.push({ label: "Task", url: taskUrl.replaceAll("{taskId}", taskId) });
  const context = [
    ...(taskId !== undefined ? [`task ${taskId}`] : []),
    ...(r?.result?.branch ? [`branch ${r.result.branch}`] : []),
    ...(task?.backend ? [`backend ${task.backend}`] : []),
  ];
  return {
    headline: capital(name),
    emoji: EMOJI[name] ?? "ℹ️",
    title,
    ...(taskId !== undefined ? { taskId } : {}),
    facts,
    ...(body !== undefined && body !== "" ? { body } : {}),
    links,
    context,
  };
}
