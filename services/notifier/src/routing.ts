import type { NotificationEventName, NotificationRule } from "@nightshift/config";
import {
  isTerminal,
  type SourceKind,
  type TaskEvent,
  type TaskRecord,
} from "@nightshift/contracts";

/** What a rule can select on. */
export interface RouteSubject {
  source?: SourceKind | undefined;
  repo?: string | undefined;
  schedule?: string | undefined;
}

/** The notification name of a task event; undefined for events that never notify. */
export function eventName(e: TaskEvent): NotificationEventName | undefined {
  if (e.type === "state") return e.state;
  if (e.type === "round") return "round";
  return undefined;
}

export function isTerminalName(name: NotificationEventName): boolean {
  return name !== "round" && name !== "escalation" && isTerminal(name);
}

export function subjectOfRecord(r: TaskRecord | undefined): RouteSubject {
  if (r === undefined) return {};
  return {
    source: r.task.source.kind,
    repo: r.task.repo?.url,
    schedule: r.task.source.attributes["schedule"],
  };
}

function normalise(repo: string): string {
  return repo
    .trim()
    .replace(/\/+$/, "")
    .replace(/\.git$/, "");
}

/** A rule's repo entry matches the task's repository URL or path, or its `owner/name` tail. */
export function repoMatches(entry: string, repo: string | undefined): boolean {
  if (repo === undefined) return false;
  const want = normalise(entry);
  const have = normalise(repo);
  return have === want || have.endsWith(`/${want}`) || have.endsWith(`:${want}`);
}

function ruleMatches(
  rule: NotificationRule,
  s: RouteSubject,
  names: readonly NotificationEventName[],
): boolean {
  if (!names.some((n) => rule.on.includes(n))) return false;
  if (rule.sources && (s.source === undefined || !rule.sources.includes(s.source))) return false;
  if (rule.repos && !rule.repos.some((r) => repoMatches(r, s.repo))) return false;
  if (rule.schedules && (s.schedule === undefined || !rule.schedules.includes(s.schedule)))
    return false;
  return true;
}

/** The channels the rules send a notification covering `names` to, each once, in rule order. */
export function routeChannels(
  rules: readonly NotificationRule[],
  subject: RouteSubject,
  names: readonly NotificationEventName[],
): string[] {
  const out: string[] = [];
  for (const rule of rules) {
    if (!ruleMatches(rule, subject, names)) continue;
    for (const c of rule.channels) if (!out.includes(c)) out.push(c);
  }
  return out;
}
