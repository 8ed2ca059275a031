import { z } from "zod";
import { isWrongLastSequence, type KV } from "@nightshift/messaging";
import { NightshiftError } from "@nightshift/errors";
import { digest, EmailKeys } from "./keys.ts";

const MessageLink = z.object({ threadKey: z.string(), taskId: z.string().optional() });
export type MessageLink = z.infer<typeof MessageLink>;

const ThreadState = z.object({
  root: z.string(),
  subject: z.string().default(""),
  /** Tasks started in the thread, oldest first. */
  tasks: z.array(z.string()).default([]),
  /** Mails the gateway sent into the thread. */
  replies: z.number().int().nonnegative().default(0),
});
export type ThreadState = z.infer<typeof ThreadState>;

/** The thread key of a conversation: a digest of its root Message-ID. */
export const threadKeyOf = (root: string): string => digest(root);

/**
 * The thread map in the `cursors` bucket: which conversation a Message-ID belongs to, the
 * tasks each conversation started, and how many mails were sent into it. Changes are CAS
 * writes, so two gateways never lose each other's updates.
 */
export class ThreadStore {
  readonly kv: KV;
  constructor(kv: KV) {
    this.kv = kv;
  }

  async link(messageId: string): Promise<MessageLink | undefined> {
    const e = await this.kv.get(EmailKeys.message(messageId));
    if (!e || e.operation !== "PUT") return undefined;
    const parsed = MessageLink.safeParse(e.json());
    return parsed.success ? parsed.data : undefined;
  }

  async get(threadKey: string): Promise<ThreadState | undefined> {
    const e = await this.kv.get(EmailKeys.thread(threadKey));
    if (!e || e.operation !== "PUT") return undefined;
    const parsed = ThreadState.safeParse(e.json());
    return parsed.success ? parsed.data : undefined;
  }

  /** The known thread of the first of `messageIds` the map knows (most recent first). */
  async resolve(
    messageIds: readonly string[],
  ): Promise<{ threadKey: string; thread: ThreadState } | undefined> {
    for (const id of messageIds) {
      const link = await this.link(id);
      if (!link) continue;
      const thread = await this.get(link.threadKey);
      if (thread) return { threadKey: link.threadKey, thread };
    }
    return undefined;
  }

  async linkMessage(messageId: string, threadKey: string, taskId?: string): Promise<void> {
    const value: MessageLink = { threadKey, ...(taskId !== undefined ? { taskId } : {}) };
    await this.kv.put(EmailKeys.message(messageId), JSON.stringify(value));
  }

  /** Records a task started in a thread (idempotent), creating the thread if it is new. */
  async addTask(threadKey: string, root: string, subject: string, taskId: string): Promise<void> {
    await this.update(threadKey, (t) =>
      t?.tasks.includes(taskId) === true
        ? undefined
        : {
            root: t?.root ?? root,
            subject: t?.subject || subject,
            tasks: [...(t?.tasks ?? []), taskId],
            replies: t?.replies ?? 0,
          },
    );
  }

  /** Counts one more mail sent into a thread; returns the new count. */
  async countReply(threadKey: string, root: string): Promise<number> {
    const next = await this.update(threadKey, (t) => ({
      root: t?.root ?? root,
      subject: t?.subject ?? "",
      tasks: t?.tasks ?? [],
      replies: (t?.replies ?? 0) + 1,
    }));
    return next?.replies ?? 0;
  }

  private async update(
    threadKey: string,
    mutate: (current: ThreadState | undefined) => ThreadState | undefined,
  ): Promise<ThreadState | undefined> {
    const key = EmailKeys.thread(threadKey);
    for (let i = 0; i < 20; i++) {
      const e = await this.kv.get(key);
      const exists = e !== null && e.operation === "PUT";
      const parsed = exists ? ThreadState.safeParse(e.json()) : undefined;
      const current = parsed?.success === true ? parsed.data : undefined;
      const next = mutate(current);
      if (next === undefined) return current;
      try {
        if (exists) await this.kv.update(key, JSON.stringify(next), e.revision);
        else await this.kv.create(key, JSON.stringify(next));
        return next;
      } catch (err) {
        if (!isWrongLastSequence(err)) throw err;
      }
    }
    throw new NightshiftError("CONFLICT", `thread ${threadKey}: too many concurrent updates`);
  }
}
