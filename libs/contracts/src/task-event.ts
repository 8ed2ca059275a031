import { z } from "zod";
import { TaskState, WaitReason } from "./task-state.ts";
import { Usage } from "./task-record.ts";

export const TASK_EVENT_VERSION = 1;

const base = {
  v: z.literal(TASK_EVENT_VERSION),
  taskId: z.string(),
  at: z.iso.datetime(),
  attempt: z.number().int().nonnegative(),
};

/** A task's state changed. Terminal states carry the result outcome. */
export const StateEvent = z.strictObject({
  ...base,
  type: z.literal("state"),
  state: TaskState,
  reason: z.string().optional(),
  detail: z.string().optional(),
  waitReason: WaitReason.optional(),
});

/** A raw output line of the agent process. */
export const OutputEvent = z.strictObject({
  ...base,
  type: z.literal("output"),
  stream: z.enum(["stdout", "stderr"]),
  line: z.string(),
});

/** Text the model produced. */
export const AssistantEvent = z.strictObject({
  ...base,
  type: z.literal("assistant"),
  text: z.string(),
});

export const ToolCallEvent = z.strictObject({
  ...base,
  type: z.literal("tool_call"),
  id: z.string().optional(),
  name: z.string(),
  input: z.unknown(),
});

export const ToolResultEvent = z.strictObject({
  ...base,
  type: z.literal("tool_result"),
  id: z.string().optional(),
  output: z.string(),
  isError: z.boolean().default(false),
});

/** Usage so far (cumulative for the attempt). */
export const UsageEvent = z.strictObject({
  ...base,
  type: z.literal("usage"),
  usage: Usage,
});

/**
 * The agent process started or exited; `dispatchMs` is publish (the message's server
 * timestamp) → spawn (its exec seen to succeed: by the spawn launcher's clock when it
 * started the process).
 */
export const AgentEvent = z.strictObject({
  ...base,
  type: z.literal("agent"),
  phase: z.enum(["spawned", "exited"]),
  backend: z.string(),
  pid: z.number().int().optional(),
  exitCode: z.number().int().nullable().optional(),
  signal: z.string().nullable().optional(),
  dispatchMs: z.number().nonnegative().optional(),
});

/** An executor note: workspace prepared, branch pushed, checkpoint reached … */
export const LogEvent = z.strictObject({
  ...base,
  type: z.literal("log"),
  level: z.enum(["debug", "info", "warn", "error"]),
  message: z.string(),
});

export const ErrorEvent = z.strictObject({
  ...base,
  type: z.literal("error"),
  message: z.string(),
  code: z.string().optional(),
});

/** A review-loop round artifact was archived. */
export const RoundEvent = z.strictObject({
  ...base,
  type: z.literal("round"),
  round: z.number().int().positive(),
  phase: z.string(),
  artifact: z.string().optional(),
  summary: z.string().optional(),
});

export const TaskEvent = z.discriminatedUnion("type", [
  StateEvent,
  OutputEvent,
  AssistantEvent,
  ToolCallEvent,
  ToolResultEvent,
  UsageEvent,
  AgentEvent,
  LogEvent,
  ErrorEvent,
  RoundEvent,
]);
export type TaskEvent = z.infer<typeof TaskEvent>;
export type TaskEventType = TaskEvent["type"];

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event before the publisher stamps version, task id, time and attempt. */
export type TaskEventBody = DistributiveOmit<
  z.input<typeof TaskEvent>,
  "v" | "taskId" | "at" | "attempt"
>;
