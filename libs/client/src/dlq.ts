import { DlqHeaders, Streams, Task } from "@nightshift/contracts";
import { NightshiftError } from "@nightshift/errors";
import { applyTransition, eventPublisher, type Bus } from "@nightshift/messaging";
import type { DeadLetter } from "./wire/summaries.ts";

/** Every message in the DLQ stream, oldest first. */
export async function listDeadLetters(bus: Bus): Promise<DeadLetter[]> {
  const info = await bus.jsm.streams.info(Streams.dlq);
  const out: DeadLetter[] = [];
  if (info.state.messages === 0) return out;
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const m = await bus.jsm.streams.getMessage(Streams.dlq, { seq }).catch(() => null);
    if (!m) continue;
    const h = m.header;
    const deliveries = h.get(DlqHeaders.deliveries);
    const letter: DeadLetter = {
      seq: m.seq,
      time: m.time.toISOString(),
      subject: m.subject,
      size: m.data.length,
    };
    const set = (k: "origSubject" | "taskId" | "reason" | "detail", header: string): void => {
      const v = h.get(header);
      if (v) letter[k] = v;
    };
    set("origSubject", DlqHeaders.origSubject);
    set("taskId", DlqHeaders.taskId);
    set("reason", DlqHeaders.reason);
    set("detail", DlqHeaders.detail);
    if (deliveries) letter.deliveries = Number(deliveries);
    out.push(letter);
  }
  return out;
}

/**
 * Puts a dead-lettered task back on its subject and removes the dead letter. `ref` is a
 * task id or a DLQ sequence number. The task's record returns to `queued` with its
 * attempts reset (its history stays in the transitions), so it can run again.
 */
export async function redrive(bus: Bus, ref: string): Promise<{ taskId: string; seq: number }> {
  const letters = await listDeadLetters(bus);
  const letter = /^\d+$/.test(ref)
    ? letters.find((l) => l.seq === Number(ref))
    : [...letters].reverse().find((l) => l.taskId === ref);
  if (!letter)
    throw new NightshiftError("NOT_FOUND", `no dead letter ${ref} (see nightshift dlq list)`);
  const m = await bus.jsm.streams.getMessage(Streams.dlq, { seq: letter.seq });
  if (!m) throw new NightshiftError("NOT_FOUND", `dead letter ${letter.seq} vanished`);
  let task: Task;
  try {
    task = Task.parse(m.json());
  } catch {
    throw new NightshiftError(
      "INVALID_PAYLOAD",
      `dead letter ${letter.seq} is not a valid task (${letter.reason ?? "no reason"}); it cannot be redriven`,
    );
  }
  if (!letter.origSubject)
    throw new NightshiftError(
      "INVALID_PAYLOAD",
      `dead letter ${letter.seq} has no original subject`,
    );
  const updated = await bus.tasks.update(task.id, (r) =>
    r.state === "queued"
      ? { ...r, attempts: 0 }
      : applyTransition(r, "queued", {
          redrive: ["succeeded", "failed", "blocked", "cancelled"].includes(r.state),
          reason: "redriven",
          detail: `from dead letter ${letter.seq} (${letter.reason ?? "?"})`,
          patch: (n) => {
            n.attempts = 0;
          },
        }),
  );
  await bus.kv.control.delete(`cancel.${task.id}`).catch(() => undefined);
  await bus.js.publish(letter.origSubject, m.data, { msgID: `redrive:${task.id}:${letter.seq}` });
  if (updated) {
    await eventPublisher(bus.js, task.id, 0, `redrive${letter.seq}`).emitNow({
      type: "state",
      state: "queued",
      reason: "redriven",
    });
  }
  await bus.jsm.streams.deleteMessage(Streams.dlq, letter.seq);
  return { taskId: task.id, seq: letter.seq };
}
