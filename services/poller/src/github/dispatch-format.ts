/**
 * The seed dispatcher's issue format: an `## Instructions` section, a target repository,
 * and `<!-- agent_task_metadata {json} -->` with `task_id`, `user_id`, `provider`.
 */
export interface DispatchIssue {
  instructions: string;
  /** `owner/name`, when the issue names one. */
  target?: string;
  /** The metadata JSON as written (copied into the pull request for correlation). */
  metadata?: Record<string, unknown>;
}

const METADATA = /<!--\s*agent_task_metadata\s*([\s\S]*?)-->/;

function parseMetadata(body: string): Record<string, unknown> | undefined {
  const m = METADATA.exec(body);
  if (!m?.[1]) return undefined;
  try {
    const v = JSON.parse(m[1].trim()) as unknown;
    return typeof v === "object" && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function section(body: string, names: string[]): string | undefined {
  const lines = body.split(/\r?\n/);
  const start = lines.findIndex((l) =>
    names.some((n) => new RegExp(`^#{1,6}\\s*${n}\\s*:?\\s*$`, "i").test(l.trim())),
  );
  if (start < 0) return undefined;
  const out: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (
      /^#{1,6}\s/.test(l.trim()) ||
      METADATA.test(l) ||
      /^<!--\s*agent_task_metadata/.test(l.trim())
    )
      break;
    out.push(l);
  }
  const text = out.join("\n").trim();
  return text === "" ? undefined : text;
}

function target(body: string): string | undefined {
  const patterns = [
    /Target Repository:\s*\**\s*`?([\w.-]+\/[\w.-]+)`?/i,
    /\*\*Target:\*\*\s*\w+\s*`([\w.-]+\/[\w.-]+)`/i,
    /\*\*Target Repository:\*\*\s*`?([\w.-]+\/[\w.-]+)`?/i,
  ];
  for (const p of patterns) {
    const m = p.exec(body);
    if (m?.[1]) return m[1];
  }
  return undefined;
}

/**
 * Reads a dispatch issue. The instructions come from `## Instructions` (or
 * `## Instruction`), else from the metadata's `instruction`; an issue with neither is
 * not a dispatch issue.
 */
export function parseDispatchIssue(body: string | null): DispatchIssue | undefined {
  const text = body ?? "";
  const metadata = parseMetadata(text);
  const fromMeta = metadata?.["instruction"];
  const instructions =
    section(text, ["Instructions", "Instruction"]) ??
    (typeof fromMeta === "string" && fromMeta.trim() !== "" ? fromMeta.trim() : undefined);
  if (instructions === undefined) return undefined;
  const t = target(text);
  return {
    instructions,
    ...(t !== undefined ? { target: t } : {}),
    ...(metadata !== undefined ? { metadata } : {}),
  };
}
