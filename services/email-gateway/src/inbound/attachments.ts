import type { EmailConfig } from "@nightshift/config";
import type { TaskInput } from "@nightshift/contracts";
import type { ObjectStore } from "@nightshift/messaging";
import type { MailAttachment } from "./parse-message.ts";

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 ** 2).toFixed(1)} MB`;
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 100) || "attachment";
}

export interface KeptAttachments {
  inputs: TaskInput[];
  /** One line per attachment that was not kept, with the reason (for the prompt and the log). */
  dropped: string[];
}

/**
 * Stores a mail's attachments in the artifacts object store as the task's inputs, within
 * the configured count and size limits. Object names derive from the task id, so storing
 * again after a crash overwrites nothing new.
 */
export async function keepAttachments(
  store: ObjectStore,
  taskId: string,
  attachments: readonly MailAttachment[],
  limits: EmailConfig["limits"],
): Promise<KeptAttachments> {
  const inputs: TaskInput[] = [];
  const dropped: string[] = [];
  for (const [i, a] of attachments.entries()) {
    if (a.size > limits.maxAttachmentSize) {
      dropped.push(
        `${a.filename} (${formatBytes(a.size)}) is over the ${formatBytes(limits.maxAttachmentSize)} attachment limit`,
      );
      continue;
    }
    if (inputs.length >= limits.maxAttachments) {
      dropped.push(`${a.filename}: only ${limits.maxAttachments} attachments are kept per mail`);
      continue;
    }
    const object = `email/${taskId}/${i + 1}-${safeName(a.filename)}`;
    const existing = await store.info(object);
    if (existing === null || existing.deleted || existing.size !== a.size) {
      await store.putBlob({ name: object, description: a.filename }, new Uint8Array(a.content));
    }
    inputs.push({ name: a.filename, contentType: a.contentType, size: a.size, object });
  }
  return { inputs, dropped };
}
