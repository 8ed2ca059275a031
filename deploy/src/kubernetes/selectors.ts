export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: {
    key: string;
    operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
    values?: string[];
  }[];
}

/** Kubernetes label selector semantics; an empty selector matches everything. */
export function selects(
  selector: LabelSelector | undefined,
  labels: Readonly<Record<string, string>>,
): boolean {
  if (selector === undefined) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {}))
    if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const v = labels[e.key];
    const ok =
      e.operator === "In"
        ? v !== undefined && (e.values ?? []).includes(v)
        : e.operator === "NotIn"
          ? v === undefined || !(e.values ?? []).includes(v)
          : e.operator === "Exists"
            ? v !== undefined
            : v === undefined;
    if (!ok) return false;
  }
  return true;
}
