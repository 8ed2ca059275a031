import { chmodSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Streams, Subjects, type TaskEvent, type TaskRecord } from "@nightshift/contracts";
import { startInProcess, type InProcessServices } from "@nightshift/host";
import { reply, type MessageReply, type ModelServer } from "@nightshift/model-server";
import { waitFor } from "@nightshift/testkit";
import { executorService } from "./service.ts";
import type { ResultSink } from "./result-sink.ts";

/** The scripted worker: writes files through the anthropic backend's tools, then reports. */
export function workerTurns(files: Record<string, string>, summary: string): MessageReply[] {
  return [
    ...Object.entries(files).map(([path, content]) => reply.tool("write_file", { path, content })),
    reply.tool("write_file", {
      path: ".nightshift/result.json",
      content: JSON.stringify({ status: "done", summary }),
    }),
    reply.text(summary),
  ];
}

/**
 * A shell command a scripted reviewer runs to write its report: the head it names is read
 * from the review request the executor put in its folder (a script cannot know it ahead).
 */
export function reportCommand(report: Record<string, unknown>): string {
  const json = JSON.stringify({ head: "__HEAD__", ...report });
  if (json.includes("'")) throw new Error("keep single quotes out of scripted reports");
  return [
    `h=$(sed -n 's/^  "head": "\\([0-9a-f]*\\)",$/\\1/p' .nightshift/review/request.json)`,
    `printf '%s' '${json}' | sed "s/__HEAD__/$h/" > .nightshift/review/report.json`,
  ].join("; ");
}

/** The scripted reviewer: writes its report (with the head under review), then says so. */
export function reviewerTurns(report: Record<string, unknown>): MessageReply[] {
  return [reply.tool("run_shell", { command: reportCommand(report) }), reply.text("Reviewed.")];
}

export const approveReport = (summary = "Meets the task.") => ({
  decision: "approve",
  summary,
  blocking: [],
  suggestions: [],
});

export const changesReport = (reason: string, file = "hello.txt") => ({
  decision: "changes_required",
  summary: `One problem: ${reason}`,
  blocking: [{ severity: "high", file, line: 1, reason }],
  suggestions: ["keep it short"],
});

export interface LoopExecutor {
  svc: InProcessServices;
  root: string;
}

/** An in-process executor whose `api` backend (the anthropic loop) talks to `model`. */
export async function loopExecutor(
  nats: string,
  model: ModelServer,
  extra: Record<string, unknown> = {},
  sinks: ResultSink[] = [],
): Promise<LoopExecutor> {
  const root = mkdtempSync(join(tmpdir(), "ns-loop-"));
  chmodSync(root, 0o755);
  const svc = await startInProcess(
    [
      executorService({
        env: {
          PATH: process.env["PATH"],
          ANTHROPIC_API_KEY: "sk-ant-test",
          ANTHROPIC_BASE_URL: model.url,
        },
        sinks,
      }),
    ],
    {
      natsUrl: nats,
      config: {
        nats: { heartbeat: "300ms", ackWait: "5s", leaseTtl: "5s" },
        executor: {
          slots: 1,
          workspaces: join(root, "ws"),
          retryDelay: "200ms",
          killGrace: "500ms",
        },
        backends: {
          api: { type: "anthropic", model: "claude-sonnet-4-5" },
          critic: { type: "anthropic", model: "claude-opus-4-1" },
        },
        ...extra,
      },
    },
  );
  return { svc, root };
}

export async function finished(svc: InProcessServices, id: string): Promise<TaskRecord> {
  return waitFor(
    async () => {
      const r = (await svc.bus.tasks.get(id))?.record;
      return r && ["succeeded", "failed", "blocked", "cancelled"].includes(r.state) ? r : undefined;
    },
    { timeoutMs: 60_000, message: `task ${id} to finish` },
  );
}

export async function eventsOf(svc: InProcessServices, id: string): Promise<TaskEvent[]> {
  const c = await svc.bus.js.consumers.get(Streams.events, {
    filter_subjects: [Subjects.eventsOf(id)],
  });
  let left = (await c.info()).num_pending;
  const out: TaskEvent[] = [];
  if (left === 0) return out;
  for await (const m of await c.fetch({ max_messages: left, expires: 2000 })) {
    out.push(m.json());
    if (--left === 0) break;
  }
  return out;
}

/**
 * The text of the first user message of each model request, in order, from request
 * `from` on (the server keeps every request it was sent, across tests).
 */
export function promptsSeen(model: ModelServer, from = 0): string[] {
  return model
    .modelRequests()
    .slice(from)
    .map((r) => {
      const body = r.body as { messages?: { role: string; content: unknown }[] };
      const first = body.messages?.[0]?.content;
      return typeof first === "string" ? first : JSON.stringify(first ?? "");
    });
}
