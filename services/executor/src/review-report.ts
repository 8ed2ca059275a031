import { ReviewReport, type FixItem } from "@nightshift/contracts";
import type { AgentFile } from "./result-file.ts";

export type ReportVerdict =
  | { kind: "valid"; report: ReviewReport }
  /** Not a report to act on: missing, malformed, or about another commit. */
  | { kind: "invalid"; reason: string; text?: string };

/**
 * Validates what the reviewer wrote: JSON, the ReviewReport schema, and the commit it
 * names must be the head it was asked to review. Anything else is never an approval.
 */
export function judgeReport(file: AgentFile | undefined, head: string): ReportVerdict {
  if (!file || file.kind === "missing")
    return { kind: "invalid", reason: "the reviewer wrote no report" };
  if (file.kind === "invalid") return { kind: "invalid", reason: file.error };
  let raw: unknown;
  try {
    raw = JSON.parse(file.text);
  } catch (err) {
    return {
      kind: "invalid",
      reason: `the report is not JSON (${(err as Error).message})`,
      text: file.text,
    };
  }
  const parsed = ReviewReport.safeParse(raw);
  if (!parsed.success)
    return {
      kind: "invalid",
      reason: `the report does not match its schema: ${parsed.error.issues
        .map((i) => `${i.path.join(".") || "(report)"}: ${i.message}`)
        .join("; ")}`,
      text: file.text,
    };
  if (!head.startsWith(parsed.data.head))
    return {
      kind: "invalid",
      reason: `the report is about commit ${parsed.data.head}, but the head under review is ${head}`,
      text: file.text,
    };
  return { kind: "valid", report: parsed.data };
}

/** The fix item a failed check adds: an approval does not count while the check fails. */
export function checkFailure(command: string, head: string, output: string): FixItem {
  return {
    severity: "high",
    reason: `the repository check \`${command}\` fails at ${head.slice(0, 10)}: ${output.slice(-1500)}`,
  };
}
