import { chmodSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Streams, Subjects, type TaskEvent, type TaskRecord } from "@nightshift/contracts";
import { startInProcess, type InProcessServices } from "@nightshift/host";
import { loopScript, type ModelServer } from "@nightshift/model-server";
import { waitFor } from "@nightshift/testkit";
import { executorService } from "./service.ts";
import type { ResultSink } from "./result-sink.ts";

export const workerTurns = loopScript.worker;
export const reviewerTurns = loopScript.reviewer;
export const reportCommand = loopScript.reportCommand;
export const approveReport = loopScript.approve;
export const changesReport = loopScript.changes;

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
          api: { type: "anthropic", model: "claude-sonnet-4-6" },
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
