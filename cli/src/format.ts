import type { TaskEvent, TaskRecord } from "@nightshift/contracts";
import { cardLines, loopLine } from "./format-rounds.ts";

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${Math.round(s % 60)}s`;
  return `${Math.floor(m / 60)}h${m % 60}m`;
}

function since(iso: string | undefined, now = Date.now()): string {
  return iso ? `${duration(now - Date.parse(iso))} ago` : "-";
}

/** A one-line description of a task for lists. */
export function recordLine(r: TaskRecord): string {
  const why = r.waitReason ?? r.reason;
  const repo = r.task.repo ? ` ${r.task.repo.url}` : "";
  const prompt = r.task.prompt.split("\n")[0]?.slice(0, 50) ?? "";
  return `${r.id}  ${r.state.padEnd(9)}${why ? ` (${why})` : ""}  attempts ${r.attempts}  ${since(r.updatedAt)}${repo}  "${prompt}"`;
}

/** A task's record as readable text. */
export function recordText(r: TaskRecord): string {
  const lines = [
    `task      ${r.id}`,
    `state     ${r.state}${r.reason ? ` (${r.reason})` : ""}${r.waitReason && r.waitReason !== r.reason ? ` waiting: ${r.waitReason}` : ""}`,
  ];
  if (r.detail) lines.push(`detail    ${r.detail}`);
  lines.push(
    `source    ${r.task.source.kind}${r.task.source.ref ? ` ${r.task.source.ref}` : ""}`,
    `backend   ${r.task.backend ?? "(default)"}${r.task.model ? ` model ${r.task.model}` : ""}  mode ${r.task.mode}`,
  );
  if (r.task.repo)
    lines.push(
      `repo      ${r.task.repo.url}${r.task.repo.base ? ` (base ${r.task.repo.base})` : ""}`,
    );
  if (r.task.card) lines.push(...cardLines(r.task.card));
  const loop = loopLine(r);
  if (loop) lines.push(loop);
  lines.push(`attempts  ${r.attempts}`, `created   ${r.createdAt}`);
  if (r.startedAt) lines.push(`started   ${r.startedAt}`);
  if (r.finishedAt) {
    lines.push(
      `finished  ${r.finishedAt}  (took ${duration(Date.parse(r.finishedAt) - Date.parse(r.startedAt ?? r.createdAt))})`,
    );
  }
  if (r.result) {
    const res = r.result;
    lines.push(
      `result    ${res.outcome}${res.branch ? `  branch ${res.branch}` : ""}${res.commit ? ` @ ${res.commit.slice(0, 10)}` : ""}${res.pushed ? " (pushed)" : ""}`,
    );
    if (res.pullRequestUrl) lines.push(`pr        ${res.pullRequestUrl}`);
    if (res.landing)
      lines.push(
        `landing   ${res.landing.state}${res.landing.commit ? ` @ ${res.landing.commit.slice(0, 10)}` : ""}${res.landing.detail ? `: ${res.landing.detail}` : ""}`,
      );
    if (res.summary) lines.push(`summary   ${res.summary.split("\n").join("\n          ")}`);
  }
  const u = r.usage;
  if (u.turns || u.inputTokens || u.outputTokens || u.costUsd) {
    lines.push(
      `usage     ${u.turns} turns, ${u.inputTokens} in / ${u.outputTokens} out tokens, $${u.costUsd.toFixed(4)}`,
    );
  }
  if (r.session) lines.push(`session   ${r.session.backend} ${r.session.id}`);
  lines.push("history");
  for (const t of r.transitions)
    lines.push(`  ${t.at}  ${t.state}${t.reason ? ` (${t.reason})` : ""}  attempt ${t.attempt}`);
  return lines.join("\n") + "\n";
}

/** One event as a log line; undefined for events not worth a line. */
export function eventLine(e: TaskEvent): string | undefined {
  const t = e.at.slice(11, 19);
  switch (e.type) {
    case "output":
      return e.line;
    case "assistant":
      return e.text;
    case "tool_call":
      return `${t} → ${e.name} ${JSON.stringify(e.input).slice(0, 200)}`;
    case "tool_result":
      return `${t} ← ${e.isError ? "error: " : ""}${e.output.split("\n")[0]?.slice(0, 200) ?? ""}`;
    case "state":
      return `${t} [${e.state}${e.reason ? `: ${e.reason}` : ""}]${e.detail ? ` ${e.detail}` : ""}`;
    case "agent":
      return e.phase === "spawned"
        ? `${t} [agent ${e.backend} started, pid ${e.pid ?? "?"}]`
        : `${t} [agent exited ${e.signal ?? `code ${e.exitCode ?? "?"}`}]`;
    case "log":
      return `${t} [${e.level}] ${e.message}`;
    case "error":
      return `${t} [error${e.code ? ` ${e.code}` : ""}] ${e.message}`;
    case "usage":
      return `${t} [usage] ${e.usage.turns} turns, ${e.usage.inputTokens}/${e.usage.outputTokens} tokens, $${e.usage.costUsd.toFixed(4)}`;
    case "round":
      return `${t} [round ${e.round} ${e.phase}]${e.summary ? ` ${e.summary}` : ""}`;
  }
}
