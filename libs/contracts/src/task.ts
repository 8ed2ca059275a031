import { z } from "zod";
import { TASK_ID_PATTERN } from "./ids.ts";
import { TaskCard } from "./task-card.ts";

export const TASK_SCHEMA_VERSION = 1;

export const TaskId = z.string().regex(TASK_ID_PATTERN, "must be lowercase letters, digits and -");

export const SourceKind = z.enum(["cli", "api", "schedule", "github", "linear", "email", "file"]);
export type SourceKind = z.infer<typeof SourceKind>;

/**
 * The triggering text as it was when the trigger was accepted. Later edits of the
 * source item never change what the agent is asked.
 */
export const SourceSnapshot = z.strictObject({
  title: z.string().optional(),
  body: z.string(),
  author: z.string().optional(),
  capturedAt: z.iso.datetime(),
});
export type SourceSnapshot = z.infer<typeof SourceSnapshot>;

/** Where a task came from; `ref` is the source's own identity of the trigger. */
export const TaskSource = z.strictObject({
  kind: SourceKind,
  ref: z.string().optional(),
  url: z.string().optional(),
  author: z.string().optional(),
  snapshot: SourceSnapshot.optional(),
  /** Source-specific fields (issue number, Message-ID, schedule slot …), as strings. */
  attributes: z.record(z.string(), z.string()).default({}),
});
export type TaskSource = z.infer<typeof TaskSource>;

export const TaskRepo = z.strictObject({
  /** A local path or a git URL. */
  url: z.string().min(1),
  /** Subject-safe key derived from `url` (see `repoKey`). */
  key: z.string().regex(/^[a-z0-9_-]+$/),
  /** Branch the work starts from; the remote's default branch when absent. */
  base: z.string().optional(),
  /** Work on this existing branch instead of `nightshift/<taskId>` (fixing a pull request). */
  branch: z.string().optional(),
});
export type TaskRepo = z.infer<typeof TaskRepo>;

export const TaskLimits = z.strictObject({
  timeoutSec: z.number().int().positive().optional(),
  maxTurns: z.number().int().positive().optional(),
  maxCostUsd: z.number().positive().optional(),
});
export type TaskLimits = z.infer<typeof TaskLimits>;

export const TaskMode = z.enum(["autonomous", "supervised"]);
export type TaskMode = z.infer<typeof TaskMode>;

/** The most rounds a review loop may ask for. */
export const MAX_LOOP_ROUNDS = 20;

/** Which backend (a name under `backends`) and model play one role of a review loop. */
export const AgentRole = z.strictObject({
  backend: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
});

/** Worker→reviewer loop settings; a task with `loop` runs in rounds until approval. */
export const TaskLoop = z.strictObject({
  maxRounds: z.number().int().positive().max(MAX_LOOP_ROUNDS).default(3),
  worker: AgentRole.optional(),
  reviewer: AgentRole.optional(),
});
export type TaskLoop = z.infer<typeof TaskLoop>;

export const TaskInput = z.strictObject({
  name: z.string().min(1),
  contentType: z.string().default("application/octet-stream"),
  size: z.number().int().nonnegative(),
  /** Object name in the artifacts store. */
  object: z.string().min(1),
});
export type TaskInput = z.infer<typeof TaskInput>;

/** A unit of work, as published on `tasks.run.<repoKey>`. Only ever extended additively. */
export const Task = z.strictObject({
  v: z.literal(TASK_SCHEMA_VERSION),
  id: TaskId,
  createdAt: z.iso.datetime(),
  source: TaskSource,
  /** Selects the prompt template (`adhoc`, `issue`, `pr-checks`, `schedule`, `email` …). */
  kind: z.string().min(1).default("adhoc"),
  prompt: z.string().min(1),
  repo: TaskRepo.optional(),
  backend: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  mode: TaskMode.default("autonomous"),
  limits: TaskLimits.default({}),
  card: TaskCard.optional(),
  loop: TaskLoop.optional(),
  inputs: z.array(TaskInput).default([]),
  /** The task this one continues (a follow-up in the same thread). */
  followUpOf: TaskId.optional(),
  labels: z.record(z.string(), z.string()).default({}),
});
export type Task = z.infer<typeof Task>;
/** A task as a producer writes it, before defaults are applied. */
export type TaskInputShape = z.input<typeof Task>;
