import type { Escalation, TaskEvent, TaskRecord } from "@nightshift/contracts";

/** Something worth telling people about, after routing. */
export interface Notification {
  /** Stable per notification: channels use it to send each one once. */
  id: string;
  kind: "terminal" | "progress" | "escalation";
  /** The task's record when the notification is about a task. */
  record?: TaskRecord;
  /** The events this notification covers (one terminal event, or coalesced progress). */
  events: TaskEvent[];
  escalation?: Escalation;
}

/**
 * One way of telling people (Slack, a webhook, email, the source's own thread). `send`
 * throws to have the notification retried with backoff; a channel's failure never blocks
 * the others.
 */
export interface NotificationChannel {
  readonly name: string;
  /** Whether this channel wants the notification at all (beyond routing rules). */
  accepts?(n: Notification): boolean;
  send(n: Notification): Promise<void>;
}
