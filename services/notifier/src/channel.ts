import type { NightshiftConfig, Secrets } from "@nightshift/config";
import type { Escalation, SourceKind, TaskEvent, TaskRecord } from "@nightshift/contracts";
import type { Bus } from "@nightshift/messaging";
import type { Logger } from "@nightshift/runtime";

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
 * throws to have the notification retried with backoff (a `ChannelError` with
 * `retryable: false` gives up at once); a channel's failure never blocks the others.
 */
export interface NotificationChannel {
  readonly name: string;
  /** Whether this channel wants the notification at all (beyond routing rules). */
  accepts?(n: Notification): boolean;
  send(n: Notification): Promise<void>;
}

/** What a channel built outside this package (a source-thread channel) is given. */
export interface ChannelContext {
  bus: Bus;
  config: NightshiftConfig;
  secrets: Secrets;
  env: Readonly<Record<string, string | undefined>>;
  log: Logger;
}

/** Builds the channel that comments in the threads of one source kind (GitHub, Linear …). */
export type SourceThreadFactory = (ctx: ChannelContext) => NotificationChannel;

/**
 * The registration point for source-thread channels: by the source kind whose threads they
 * comment in. A `type: source` channel in the config routes each notification to the one
 * registered for its task's (or escalation's) source.
 */
export type SourceThreads = Partial<Record<SourceKind, SourceThreadFactory>>;

/** The source kind a notification is about. */
export function sourceKindOf(n: Notification): SourceKind | undefined {
  return n.record?.task.source.kind ?? n.escalation?.source;
}
