import type { EmailConfig } from "@nightshift/config";
import { cardFields, repoKey, type TaskInput, type TaskInputShape } from "@nightshift/contracts";
import { formatBytes } from "./attachments.ts";
import type { InboundMail } from "./parse-message.ts";

export interface MailTaskInput {
  mail: InboundMail;
  cfg: EmailConfig;
  taskId: string;
  threadKey: string;
  threadRoot: string;
  inputs: TaskInput[];
  dropped: string[];
  /** The task this one continues, for a reply in a known thread. */
  followUpOf?: string;
  uid: number;
}

function prompt(t: MailTaskInput): string {
  const parts: string[] = [];
  if (t.followUpOf !== undefined) {
    parts.push(
      `A follow-up to task ${t.followUpOf}, in the same email thread ("${t.mail.subject}"):`,
    );
  } else if (t.mail.subject !== "") {
    parts.push(t.mail.subject);
  }
  if (t.mail.text !== "") parts.push(t.mail.text);
  if (t.inputs.length > 0) {
    parts.push(
      [
        "Attachments (task inputs):",
        ...t.inputs.map((i) => `- ${i.name} (${formatBytes(i.size)}, ${i.contentType})`),
      ].join("\n"),
    );
  }
  if (t.dropped.length > 0) {
    parts.push(["Attachments not kept:", ...t.dropped.map((d) => `- ${d}`)].join("\n"));
  }
  return parts.join("\n\n");
}

/**
 * The task a mail asks for. The source keeps what a reply needs (Message-ID, sender,
 * references, thread) so the gateway can answer in the same thread when the task ends. A
 * `nightshift-card` block in the text gives the task its card (and review loop).
 */
export function taskFromMail(t: MailTaskInput): TaskInputShape {
  const { mail, cfg } = t;
  const now = new Date().toISOString();
  const from = mail.from ?? "";
  const repo = cfg.task.repo;
  return {
    v: 1,
    id: t.taskId,
    createdAt: now,
    kind: "email",
    source: {
      kind: "email",
      ref: mail.messageId,
      author: from,
      snapshot: {
        ...(mail.subject !== "" ? { title: mail.subject } : {}),
        body: mail.text,
        author: from,
        capturedAt: now,
      },
      attributes: {
        messageId: mail.messageId,
        from,
        ...(mail.replyTo !== undefined ? { replyTo: mail.replyTo } : {}),
        subject: mail.subject,
        references: mail.references.join(" "),
        threadKey: t.threadKey,
        threadRoot: t.threadRoot,
        uid: String(t.uid),
      },
    },
    ...(repo !== undefined
      ? {
          repo: {
            url: repo,
            key: repoKey(repo),
            ...(cfg.task.base !== undefined ? { base: cfg.task.base } : {}),
          },
        }
      : {}),
    ...(cfg.task.backend !== undefined ? { backend: cfg.task.backend } : {}),
    ...(cfg.task.model !== undefined ? { model: cfg.task.model } : {}),
    mode: cfg.task.mode,
    limits:
      cfg.task.timeout !== undefined
        ? { timeoutSec: Math.max(1, Math.ceil(cfg.task.timeout / 1000)) }
        : {},
    inputs: t.inputs,
    ...(t.followUpOf !== undefined ? { followUpOf: t.followUpOf } : {}),
    // the prompt, and the card and loop of a nightshift-card block
    ...cardFields(mail.text, prompt(t)),
  };
}
