import { reply, type MessageReply } from "./script.ts";

/**
 * A shell command that writes the reviewer's report with the head it names read from the
 * review request the executor put in its folder (a script cannot know it ahead).
 */
function reportCommand(report: Record<string, unknown>): string {
  const json = JSON.stringify({ head: "__HEAD__", ...report });
  if (json.includes("'")) throw new Error("keep single quotes out of scripted reports");
  return [
    `h=$(sed -n 's/^  "head": "\\([0-9a-f]*\\)",$/\\1/p' .nightshift/review/request.json)`,
    `printf '%s' '${json}' | sed "s/__HEAD__/$h/" > .nightshift/review/report.json`,
  ].join("; ");
}

/**
 * Scripts for a review loop's two roles played by the `anthropic` backend's tools: the
 * worker writes files and its results file; the reviewer writes its report into its folder.
 */
export const loopScript = {
  /** The worker: writes `files` through the write_file tool, then reports `summary`. */
  worker: (files: Record<string, string>, summary: string): MessageReply[] => {
    return [
      ...Object.entries(files).map(([path, content]) =>
        reply.tool("write_file", { path, content }),
      ),
      reply.tool("write_file", {
        path: ".nightshift/result.json",
        content: JSON.stringify({ status: "done", summary }),
      }),
      reply.text(summary),
    ];
  },

  reportCommand,

  /** The reviewer: writes its report (with the head under review), then says so. */
  reviewer: (report: Record<string, unknown>): MessageReply[] => {
    return [reply.tool("run_shell", { command: reportCommand(report) }), reply.text("Reviewed.")];
  },

  approve: (summary = "Meets the task."): Record<string, unknown> => {
    return { decision: "approve", summary, blocking: [], suggestions: [] };
  },

  changes: (reason: string, file = "hello.txt"): Record<string, unknown> => {
    return {
      decision: "changes_required",
      summary: `One problem: ${reason}`,
      blocking: [{ severity: "high", file, line: 1, reason }],
      suggestions: ["keep it short"],
    };
  },
};
