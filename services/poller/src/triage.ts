import type { TriageRule, TriggerKind } from "@nightshift/config";

/** What the rules look at. */
export interface TriageItem {
  kind: TriggerKind;
  /** Failing checks and statuses (for `checks` triggers). */
  failing?: { name: string; conclusion: string }[];
  /** The triggering text: comment, review, issue body. */
  text?: string;
  author?: string;
}

export interface TriageVerdict {
  class: "green" | "red";
  /** The rule that decided, or `default`. */
  rule: string;
}

function matches(rule: TriageRule, item: TriageItem): boolean {
  const w = rule.when;
  if (w.trigger && !w.trigger.includes(item.kind)) return false;
  const failing = item.failing ?? [];
  if (w.check !== undefined) {
    const re = new RegExp(w.check, "i");
    if (!failing.some((f) => re.test(f.name))) return false;
  }
  if (w.conclusion && !failing.some((f) => w.conclusion?.includes(f.conclusion))) return false;
  if (w.text !== undefined && !new RegExp(w.text, "i").test(item.text ?? "")) return false;
  if (w.author && !w.author.some((a) => a.toLowerCase() === item.author?.toLowerCase()))
    return false;
  return true;
}

/** GREEN (an agent does it) or RED (a person is told): the first matching rule decides. */
export function triage(rules: readonly TriageRule[], item: TriageItem): TriageVerdict {
  for (const rule of rules) if (matches(rule, item)) return { class: rule.class, rule: rule.name };
  return { class: "green", rule: "default" };
}
