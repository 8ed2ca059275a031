import { readFileSync } from "node:fs";
import { DeliverPolicy } from "@nats-io/jetstream";
import { DlqHeaders, Streams, TaskRecord } from "@nightshift/contracts";
import type { Bus } from "@nightshift/messaging";
import type {
  CheckInput,
  Delivered,
  DlqEntry,
  Execution,
  Push,
  RecordView,
  SubmittedTask,
} from "./check-input.ts";
import type { GitHubWorld } from "./github.ts";
import { inspectOrigin } from "./repos.ts";

/** Parses the agent's execution log: a `start` line, and an `end` line unless it was killed. */
export function parseExecutions(text: string): Execution[] {
  const runs = new Map<string, Execution>();
  for (const line of text.split("\n")) {
    const [what, taskId, attempt, fence, pid, at] = line.split(" ");
    if ((what !== "start" && what !== "end") || taskId === undefined) continue;
    // One run per attempt and fence (pids repeat: every sandbox has its own PID namespace).
    const key = `${taskId} ${attempt} ${fence}`;
    if (what === "start") {
      runs.set(key, {
        taskId,
        attempt: Number(attempt),
        fence: Number(fence),
        pid: Number(pid),
        start: Number(at),
      });
    } else {
      const run = runs.get(key);
      if (run) run.end = Number(at);
    }
  }
  return [...runs.values()];
}

/** Scheduler fires it logged as published (its producer's record of acknowledged publishes). */
export function scheduledTasks(log: string, repo: string): SubmittedTask[] {
  const out = new Map<string, SubmittedTask>();
  for (const line of log.split("\n")) {
    if (!line.includes('"fire published"')) continue;
    try {
      const rec = JSON.parse(line) as { taskId?: string };
      if (rec.taskId !== undefined)
        out.set(rec.taskId, { id: rec.taskId, repo, expect: "succeed", via: "scheduler" });
    } catch {
      // a line cut short by a kill
    }
  }
  return [...out.values()];
}

type Seen = RecordView & { source: string; issue?: string | undefined };

async function allRecords(bus: Bus): Promise<Map<string, Seen>> {
  const out = new Map<string, Seen>();
  const ids = await bus.tasks.ids();
  for (let i = 0; i < ids.length; i += 64) {
    await Promise.all(
      ids.slice(i, i + 64).map(async (id) => {
        const e = await bus.kv.tasks.get(id);
        if (!e || e.operation !== "PUT") return;
        const r = TaskRecord.parse(e.json());
        out.set(id, {
          id,
          state: r.state,
          attempts: r.attempts,
          reason: r.reason,
          source: r.task.source.kind,
          issue: r.task.source.attributes["number"],
        });
      }),
    );
  }
  return out;
}

/** Every message of a stream matching `filter`, read with an ordered consumer. */
async function readStream<T>(
  bus: Bus,
  stream: string,
  filter: string,
  map: (m: { data: Uint8Array; seq: number; header: (k: string) => string | undefined }) => T,
): Promise<T[]> {
  const info = await bus.jsm.streams.info(stream, { subjects_filter: filter });
  const subjects = info.state.subjects ?? {};
  const total = Object.values(subjects).reduce((a, b) => a + b, 0);
  if (total === 0) return [];
  const c = await bus.js.consumers.get(stream, {
    filter_subjects: [filter],
    deliver_policy: DeliverPolicy.All,
  });
  const out: T[] = [];
  const iter = await c.consume({ max_messages: 256 });
  for await (const m of iter) {
    out.push(map({ data: m.data, seq: m.seq, header: (k) => m.headers?.get(k) }));
    if (m.info.pending === 0) break;
  }
  await iter.close();
  return out;
}

/**
 * Ids of the tasks whose message is still in TASKS. A work-queue stream allows no second
 * consumer over the executors' subjects, so the messages are read one by one.
 */
async function queuedTaskIds(bus: Bus): Promise<string[]> {
  const { state } = await bus.jsm.streams.info(Streams.tasks);
  const out: string[] = [];
  if (state.messages === 0) return out;
  for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
    const m = await bus.jsm.streams.getMessage(Streams.tasks, { seq }).catch(() => null);
    if (!m) continue;
    try {
      out.push((m.json<{ id?: string }>().id ?? "").toString());
    } catch {
      // a malformed message still waiting for its turn
    }
  }
  return out;
}

export interface Collected {
  input: CheckInput;
  scheduled: number;
  polled: number;
}

/** Gathers everything the checker reads, once the run has settled. */
export async function collect(o: {
  bus: Bus;
  submitted: SubmittedTask[];
  malformed: string[];
  schedulerLog: string;
  scheduleRepo: string;
  origins: string[];
  agentLog: string;
  crashes: number[];
  maxAgentMs: number;
  github?: GitHubWorld | undefined;
}): Promise<Collected> {
  const records = await allRecords(o.bus);
  const scheduled = new Map(scheduledTasks(o.schedulerLog, o.scheduleRepo).map((t) => [t.id, t]));
  // A fire whose log line a kill cut off still left its record: the record proves the publish.
  for (const r of records.values())
    if (r.source === "schedule" && !scheduled.has(r.id))
      scheduled.set(r.id, { id: r.id, repo: o.scheduleRepo, expect: "succeed", via: "scheduler" });
  const dec = new TextDecoder();
  const queued = await queuedTaskIds(o.bus);
  // One completion is one attempt's `succeeded` event (the same event stored twice would
  // still be one notification: receivers key on task, attempt and time).
  const completionEvents = await readStream(o.bus, Streams.events, "events.task.*.state", (m) => {
    const e = JSON.parse(dec.decode(m.data)) as {
      taskId: string;
      state: string;
      attempt: number;
      at: string;
    };
    return e.state === "succeeded" ? `${e.taskId} ${e.attempt} ${e.at}` : undefined;
  });
  const completions: Record<string, number> = {};
  for (const key of new Set(completionEvents)) {
    if (key === undefined) continue;
    const id = key.split(" ")[0] ?? "";
    completions[id] = (completions[id] ?? 0) + 1;
  }
  const dlq: DlqEntry[] = await readStream(o.bus, Streams.dlq, "dlq.>", (m) => ({
    seq: m.seq,
    taskId: m.header(DlqHeaders.taskId),
    reason: m.header(DlqHeaders.reason),
    body: Buffer.from(m.data).toString("latin1"),
  }));
  // The poller's tasks: every record from GitHub, each also due a pull request.
  const fromGitHub = [...records.values()].filter((r) => r.source === "github");
  const polled: SubmittedTask[] = o.github
    ? fromGitHub.map((r) => ({
        id: r.id,
        repo: o.github?.origin ?? "",
        expect: "succeed" as const,
        via: "poller",
        expectPull: true,
      }))
    : [];
  const branchPulls = o.github?.pullsByBranch() ?? new Map<string, number>();
  const pulls = Object.fromEntries(
    fromGitHub.map((r) => [r.id, branchPulls.get(`nightshift/${r.id}`) ?? 0]),
  );
  const comments = Object.fromEntries(o.github?.statusComments() ?? []);
  const triggers = (o.github?.issues ?? []).map((n) => ({
    issue: n,
    tasks: fromGitHub.filter((r) => r.issue === String(n)).map((r) => r.id),
  }));
  const pushes: Push[] = [];
  const delivered: Delivered[] = [];
  for (const origin of [...o.origins, ...(o.github ? [o.github.origin] : [])]) {
    const seen = await inspectOrigin(origin);
    pushes.push(...seen.pushes);
    delivered.push(...seen.delivered);
  }
  return {
    scheduled: scheduled.size,
    polled: polled.length,
    input: {
      submitted: [...o.submitted, ...scheduled.values(), ...polled],
      malformed: o.malformed,
      records: [...records.values()],
      queued: queued.filter(Boolean),
      executions: parseExecutions(readFileSync(o.agentLog, "utf8")),
      pushes,
      delivered,
      completions,
      dlq,
      crashes: o.crashes,
      maxAgentMs: o.maxAgentMs,
      ...(o.github ? { pulls, comments, triggers } : {}),
    },
  };
}
