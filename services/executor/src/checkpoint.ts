import { ApprovalDecision, Keys, type CheckpointName } from "@nightshift/contracts";
import type { EventPublisher, KV } from "@nightshift/messaging";
import type { AttemptRecord } from "./fenced-record.ts";
import type { AttemptStops } from "./stops.ts";

export type CheckpointAnswer =
  | { decision: "approve" | "reject"; by: string; message?: string | undefined }
  | { decision: "timeout" }
  | { decision: "stopped" };

export interface CheckpointInput {
  control: KV;
  record: AttemptRecord;
  events: EventPublisher;
  stops: AttemptStops;
  name: CheckpointName;
  /** What the person is asked to decide. */
  detail: string;
  timeoutMs: number;
}

/**
 * Stops a supervised task at a checkpoint until a person decides (`nightshift approve`,
 * an email reply, the API). The task waits with reason `awaiting-approval`; its time limit
 * does not run meanwhile. Only an answer naming this checkpoint (or given after it was
 * reached) counts, so an old answer never opens a new checkpoint.
 */
export async function awaitCheckpoint(c: CheckpointInput): Promise<CheckpointAnswer> {
  const at = new Date();
  const id = `${c.name}-${c.record.attempt}-${at.getTime().toString(36)}`;
  await c.record.transition("waiting", {
    reason: "awaiting-approval",
    waitReason: "awaiting-approval",
    detail: c.detail,
    patch: (r) => {
      r.checkpoint = { id, name: c.name, at: at.toISOString(), detail: c.detail };
    },
  });
  c.events.emit({
    type: "state",
    state: "waiting",
    reason: "awaiting-approval",
    waitReason: "awaiting-approval",
    detail: c.detail,
  });
  c.events.emit({
    type: "log",
    level: "info",
    message: `checkpoint ${c.name}: waiting for approve or reject (${c.detail})`,
  });
  c.stops.pauseClock();
  const key = Keys.approval(c.record.taskId);
  const watch = await c.control.watch({ key });
  let timer: NodeJS.Timeout | undefined;
  try {
    const answer = await new Promise<CheckpointAnswer>((resolve) => {
      timer = setTimeout(() => resolve({ decision: "timeout" }), c.timeoutMs);
      c.stops.signal.addEventListener("abort", () => resolve({ decision: "stopped" }), {
        once: true,
      });
      void (async () => {
        for await (const e of watch) {
          if (e.operation !== "PUT") continue;
          let parsed;
          try {
            parsed = ApprovalDecision.safeParse(e.json());
          } catch {
            continue;
          }
          if (!parsed.success) continue;
          const d = parsed.data;
          const ours = d.checkpoint !== undefined ? d.checkpoint === id : d.at >= at.toISOString();
          if (!ours) continue;
          await c.control.delete(key, { previousSeq: e.revision }).catch(() => undefined);
          resolve({ decision: d.decision, by: d.by, message: d.message });
          return;
        }
      })();
    });
    if (answer.decision === "approve") {
      await c.record.transition("running", {
        patch: (r) => {
          delete r.checkpoint;
        },
      });
      c.events.emit({ type: "state", state: "running", reason: `approved: ${c.name}` });
    }
    return answer;
  } finally {
    if (timer) clearTimeout(timer);
    watch.stop();
    c.stops.resumeClock();
  }
}
