import { z } from "zod";
import {
  SourceKind,
  Task,
  TaskCard,
  TaskEvent,
  TaskId,
  TaskMode,
  TaskRecord,
  TaskState,
  WaitReason,
} from "@nightshift/contracts";

/**
 * What a client asks for when it submits a task: the CLI's flags and the API's request
 * body are both checked against this one schema by `submitTask`.
 */
export const SubmitBody = z.strictObject({
  prompt: z.string().trim().min(1, "must not be empty").max(100_000),
  /** A git URL, or a path on the machine that runs the executor. */
  repo: z.string().min(1).optional(),
  base: z.string().min(1).optional(),
  backend: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  timeoutSec: z.number().int().positive().optional(),
  maxTurns: z.number().int().positive().optional(),
  maxCostUsd: z.number().positive().optional(),
  mode: TaskMode.optional(),
  card: TaskCard.optional(),
  /** Use this id instead of a new one (idempotent re-submission). */
  id: TaskId.optional(),
  labels: z.record(z.string(), z.string()).optional(),
});
export type SubmitBody = z.input<typeof SubmitBody>;

export const SubmitResponse = z.strictObject({
  id: TaskId,
  /** False when a task with this id had already been submitted. */
  created: z.boolean(),
  task: Task,
});
export type SubmitResponse = z.infer<typeof SubmitResponse>;

/** A comma-separated list of enum values in a query string. */
function csv<T extends string>(values: readonly T[]) {
  return z
    .string()
    .describe(`comma-separated, of: ${values.join(", ")}`)
    .transform((s, ctx) => {
      const parts = s.split(",").filter(Boolean);
      for (const p of parts) {
        if (!(values as readonly string[]).includes(p))
          ctx.addIssue({
            code: "custom",
            message: `"${p}" is not one of ${values.join(", ")}`,
          });
      }
      return parts as T[];
    });
}

/** Query of `GET /api/v1/tasks`: every filter optional, lists comma-separated. */
export const TaskListQuery = z.strictObject({
  state: csv(TaskState.options).optional(),
  waitReason: csv(WaitReason.options).optional(),
  source: csv(SourceKind.options).optional(),
  /** Repository URL, path or key. */
  repo: z.string().min(1).optional(),
  /** Created at or after this time. */
  since: z.iso.datetime().optional(),
  /** Created before this time. */
  until: z.iso.datetime().optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
});

export const TaskList = z.strictObject({
  tasks: z.array(TaskRecord),
  /** Matching records before `limit` was applied. */
  total: z.number().int().nonnegative(),
});
export type TaskList = z.infer<typeof TaskList>;

export const MessageBody = z.strictObject({ message: z.string().max(10_000).optional() });

export const CancelResponse = z.strictObject({
  record: TaskRecord,
  effect: z.enum(["cancelled", "requested", "finished"]),
});
export type CancelResponse = z.infer<typeof CancelResponse>;

export const EventsQuery = z.strictObject({
  /** Only events after this EVENTS stream sequence. */
  after: z.coerce.number().int().nonnegative().optional(),
  /** `1`/`true`: keep the response open (server-sent events) until the task ends. */
  follow: z
    .enum(["1", "0", "true", "false"])
    .transform((v) => v === "1" || v === "true")
    .optional(),
});

export const SequencedEvent = z.strictObject({
  seq: z.number().int().positive(),
  event: TaskEvent,
});
export type SequencedEvent = z.infer<typeof SequencedEvent>;

export const EventList = z.strictObject({ events: z.array(SequencedEvent) });
