import { decideApproval } from "@nightshift/client";
import type { EmailConfig } from "@nightshift/config";
import { deterministicTaskId, isTerminal, type TaskRecord } from "@nightshift/contracts";
import { coerceError, isNightshiftError } from "@nightshift/errors";
import { publishTask, type Bus } from "@nightshift/messaging";
import type { Logger } from "@nightshift/runtime";
import { digest } from "../keys.ts";
import { threadKeyOf, type ThreadStore } from "../threads.ts";
import { keepAttachments } from "./attachments.ts";
import { classify, type IntakePolicy } from "./classify.ts";
import { parseDecision } from "./decision.ts";
import type { Disposition } from "./flags.ts";
import { parseMessage, type InboundMail } from "./parse-message.ts";
import { taskFromMail } from "./task-from-mail.ts";

export interface IntakeDeps {
  bus: Bus;
  cfg: EmailConfig;
  policy: IntakePolicy;
  threads: ThreadStore;
  log: Logger;
}

/** `Nats-Msg-Id` of a mail's task: `email:<Message-ID>`, or a digest when it is not plain ASCII. */
export function natsMsgId(messageId: string): string {
  return /^[\x21-\x7e]{1,400}$/.test(messageId)
    ? `email:${messageId}`
    : `email:#${digest(messageId)}`;
}

const skipped = (reason: string): Disposition => ({ kind: "skipped", reason });

/**
 * Turns one raw message into work: a new task, a follow-up task in a known thread, or an
 * approval decision for the thread's supervised task. Every step is idempotent (task ids
 * derive from the Message-ID), so handling a message twice changes nothing. Throws only
 * for failures worth retrying (NATS unreachable); bad mail is skipped with a log line.
 */
export function createIntake(d: IntakeDeps): (uid: number, source: Buffer) => Promise<Disposition> {
  return async (uid, source) => {
    let mail: InboundMail;
    try {
      mail = await parseMessage(source, { maxBodyChars: d.cfg.limits.maxBodyChars });
    } catch (err) {
      d.log.warn({ uid, err: coerceError(err) }, `mail uid ${uid} could not be parsed: skipped`);
      return skipped("unparseable");
    }
    const log = d.log.child({ uid, messageId: mail.messageId, from: mail.from });
    for (const problem of mail.problems) log.warn(`mail uid ${uid}: ${problem}`);

    const verdict = classify(mail, d.policy);
    if (!verdict.accept) {
      log.info(
        { reason: verdict.reason, detail: verdict.detail },
        `mail uid ${uid} is not work (${verdict.reason}): ${verdict.detail}`,
      );
      return skipped(verdict.reason);
    }

    const related = [...new Set([mail.inReplyTo, ...[...mail.references].reverse()])].filter(
      (v): v is string => v !== undefined,
    );
    const known = related.length > 0 ? await d.threads.resolve(related) : undefined;
    if (known) {
      const latestId = known.thread.tasks.at(-1);
      const latest = latestId !== undefined ? (await d.bus.tasks.get(latestId))?.record : undefined;
      if (latest) {
        const decided = await maybeDecide(d, mail, latest, known.threadKey, log, uid);
        if (decided) return decided;
        return publish(d, mail, uid, log, {
          threadKey: known.threadKey,
          root: known.thread.root,
          followUpOf: latest.id,
        });
      }
    }
    const root = mail.references[0] ?? mail.messageId;
    return publish(d, mail, uid, log, { threadKey: threadKeyOf(root), root });
  };
}

/** "approve"/"reject" in the thread of a supervised task that has not ended. */
async function maybeDecide(
  d: IntakeDeps,
  mail: InboundMail,
  task: TaskRecord,
  threadKey: string,
  log: Logger,
  uid: number,
): Promise<Disposition | undefined> {
  if (task.task.mode !== "supervised" || isTerminal(task.state)) return undefined;
  const decision = parseDecision(mail.text);
  if (!decision) return undefined;
  try {
    await decideApproval(d.bus, task.id, decision.decision, `email:${mail.from}`, decision.message);
  } catch (err) {
    if (isNightshiftError(err, "CONFLICT") || isNightshiftError(err, "NOT_FOUND")) {
      log.warn(
        { taskId: task.id },
        `mail uid ${uid}: ${decision.decision} refused: ${err.message}`,
      );
      return skipped("decision-refused");
    }
    throw err;
  }
  await d.threads.linkMessage(mail.messageId, threadKey, task.id);
  log.info(
    { taskId: task.id, decision: decision.decision },
    `mail uid ${uid}: ${decision.decision} for task ${task.id}`,
  );
  return { kind: "done", what: decision.decision };
}

async function publish(
  d: IntakeDeps,
  mail: InboundMail,
  uid: number,
  log: Logger,
  thread: { threadKey: string; root: string; followUpOf?: string },
): Promise<Disposition> {
  const taskId = deterministicTaskId("email", mail.messageId);
  const { inputs, dropped } = await keepAttachments(
    d.bus.artifacts,
    taskId,
    mail.attachments,
    d.cfg.limits,
  );
  for (const why of dropped) log.warn({ taskId }, `mail uid ${uid}: attachment not kept: ${why}`);
  const task = taskFromMail({
    mail,
    cfg: d.cfg,
    taskId,
    threadKey: thread.threadKey,
    threadRoot: thread.root,
    inputs,
    dropped,
    uid,
    ...(thread.followUpOf !== undefined ? { followUpOf: thread.followUpOf } : {}),
  });
  let created: boolean;
  try {
    created = (await publishTask(d.bus, task, { msgId: natsMsgId(mail.messageId) })).created;
  } catch (err) {
    if (isNightshiftError(err, "INVALID_PAYLOAD")) {
      log.error({ err }, `mail uid ${uid} makes an invalid task: skipped`);
      return skipped("invalid-task");
    }
    throw err;
  }
  await d.threads.addTask(thread.threadKey, thread.root, mail.subject, taskId);
  await d.threads.linkMessage(mail.messageId, thread.threadKey, taskId);
  const what = thread.followUpOf !== undefined ? "follow-up" : "task";
  log.info(
    { taskId, followUpOf: thread.followUpOf, inputs: inputs.length, created },
    created
      ? `mail uid ${uid} became ${what} ${taskId}`
      : `mail uid ${uid}: ${what} ${taskId} already exists (handled before)`,
  );
  return { kind: "done", what };
}
