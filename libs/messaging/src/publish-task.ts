import { NO_REPO_KEY, Subjects, Task, type TaskInputShape } from "@nightshift/contracts";
import { NightshiftError } from "@nightshift/errors";
import type { Bus } from "./bus.ts";
import { eventPublisher } from "./events.ts";
import { newRecord, recordHeaders } from "./task-store.ts";

export interface PublishResult {
  task: Task;
  /** False when the same task id was already published (dedupe window or existing record). */
  created: boolean;
  /** Stream sequence of the TASKS message. */
  seq: number;
  /** True when this call stored the message (it was not absorbed by the dedupe window). */
  stored: boolean;
}

/**
 * Validates and publishes a task: the record first (idempotent `create`), then the
 * message with `Nats-Msg-Id` = task id. Producers call this again with the same task
 * after any failure; nothing is created twice.
 */
export async function publishTask(
  bus: Bus,
  input: TaskInputShape,
  opts: { msgId?: string } = {},
): Promise<PublishResult> {
  const parsed = Task.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join(".") || "(task)"}: ${i.message}`,
    );
    throw new NightshiftError("INVALID_PAYLOAD", `invalid task: ${problems.join("; ")}`);
  }
  const task = parsed.data;
  const record = newRecord(task);
  const recordRev = await bus.tasks.create(record);
  // The queued event goes out first on this connection, so it is stored before the
  // executor can receive the task and report it running; its ack is awaited afterwards.
  const queued =
    recordRev !== undefined
      ? eventPublisher(bus.js, task.id, 0, "submit").emitNow({ type: "state", state: "queued" })
      : Promise.resolve();
  // Observed here so that, when the task publish below fails first, the event's own
  // failure is not an unhandled rejection (which would kill a producer process).
  void queued.catch(() => undefined);
  const ack = await bus.js.publish(
    Subjects.taskRun(task.repo?.key ?? NO_REPO_KEY),
    JSON.stringify(task),
    {
      msgID: opts.msgId ?? task.id,
      // The record this call created, for the executor's first write (see TaskHeaders).
      ...(recordRev !== undefined ? { headers: recordHeaders(record, recordRev) } : {}),
    },
  );
  await queued;
  const created = recordRev !== undefined && !ack.duplicate;
  return { task, created, seq: ack.seq, stored: !ack.duplicate };
}
