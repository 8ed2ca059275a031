import { z } from "zod";
import { PauseFlag, Presence, ScheduleState, TaskRecord } from "@nightshift/contracts";

export const QueueInfo = z.strictObject({
  /** Messages in the TASKS stream: queued, waiting and running tasks. */
  messages: z.number().int().nonnegative(),
  /** Not yet delivered to any executor. */
  pending: z.number().int().nonnegative(),
  /** Delivered and not finished (running, or naked with a delay while waiting). */
  ackPending: z.number().int().nonnegative(),
  /** Pull requests of idle executor slots. */
  waitingPulls: z.number().int().nonnegative(),
  /** Publish time of the oldest message in the stream. */
  oldestAt: z.iso.datetime().optional(),
});
export type QueueInfo = z.infer<typeof QueueInfo>;

/** Queue depth, task counts by state, waiting tasks by reason, DLQ size. */
export const QueueSummary = z.strictObject({
  at: z.iso.datetime(),
  queue: QueueInfo,
  dlq: z.strictObject({ messages: z.number().int().nonnegative() }),
  counts: z.record(z.string(), z.number().int().nonnegative()),
  waiting: z.record(z.string(), z.number().int().nonnegative()),
});
export type QueueSummary = z.infer<typeof QueueSummary>;

export const SpendBucket = z.strictObject({
  costUsd: z.number().nonnegative(),
  tasks: z.number().int().nonnegative(),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
});
export type SpendBucket = z.infer<typeof SpendBucket>;

/** Spend per day and per repository, from the task records' usage. */
export const BudgetSummary = z.strictObject({
  since: z.iso.date(),
  /**
   * Where the amounts come from: the `budgets` bucket's daily counters (what budget limits
   * are checked against), the task records' usage (days before counters existed), or both.
   */
  from: z.enum(["counters", "records", "both"]),
  days: z.array(SpendBucket.extend({ day: z.iso.date() })),
  repos: z.array(SpendBucket.extend({ repo: z.string() })),
  total: SpendBucket,
  /** Raw entries of the `budgets` bucket, when something keeps counters there. */
  counters: z.array(z.strictObject({ key: z.string(), value: z.unknown() })),
});
export type BudgetSummary = z.infer<typeof BudgetSummary>;

export const BudgetQuery = z.strictObject({
  days: z.coerce.number().int().min(1).max(366).default(14),
});

/** Schedules with their next fire times and counters, and the pause flags. */
export const SchedulingStatus = z.strictObject({
  pausedAll: PauseFlag.optional(),
  schedules: z.array(ScheduleState.extend({ paused: PauseFlag.optional() })),
});

export const SystemStatus = z.strictObject({
  queue: QueueInfo,
  dlq: z.strictObject({ messages: z.number().int().nonnegative() }),
  counts: z.record(z.string(), z.number().int().nonnegative()),
  running: z.array(TaskRecord),
  waiting: z.array(TaskRecord),
  services: z.array(Presence),
  scheduling: SchedulingStatus,
});
export type SystemStatus = z.infer<typeof SystemStatus>;

export const ServiceList = z.strictObject({ services: z.array(Presence) });

export const DeadLetter = z.strictObject({
  seq: z.number().int().positive(),
  time: z.iso.datetime(),
  subject: z.string(),
  origSubject: z.string().optional(),
  taskId: z.string().optional(),
  reason: z.string().optional(),
  detail: z.string().optional(),
  deliveries: z.number().int().optional(),
  size: z.number().int().nonnegative(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;

export const DeadLetterList = z.strictObject({ deadLetters: z.array(DeadLetter) });

export const RedriveResponse = z.strictObject({ taskId: z.string(), seq: z.number().int() });
export type RedriveResponse = z.infer<typeof RedriveResponse>;

/** One sample of the API service's ring buffer, for the dashboard's charts. */
export const SeriesSample = z.strictObject({
  at: z.iso.datetime(),
  messages: z.number().int().nonnegative(),
  pending: z.number().int().nonnegative(),
  running: z.number().int().nonnegative(),
  waiting: z.number().int().nonnegative(),
  /** Dispatch latencies (publish → agent spawned) seen since the previous sample. */
  dispatch: z.strictObject({
    count: z.number().int().nonnegative(),
    p50Ms: z.number().nonnegative().nullable(),
    maxMs: z.number().nonnegative().nullable(),
  }),
});
export type SeriesSample = z.infer<typeof SeriesSample>;

export const Series = z.strictObject({
  intervalMs: z.number().int().positive(),
  samples: z.array(SeriesSample),
});
export type Series = z.infer<typeof Series>;
