import { z } from "zod";
import { TaskId, TaskRecord } from "@nightshift/contracts";
import { DecisionResponse, PauseBody, PauseState, ResumeResponse } from "./control.ts";
import {
  BudgetQuery,
  BudgetSummary,
  DeadLetterList,
  QueueSummary,
  RedriveResponse,
  Series,
  ServiceList,
  SystemStatus,
} from "./summaries.ts";
import {
  CancelResponse,
  EventList,
  EventsQuery,
  MessageBody,
  SubmitBody,
  SubmitResponse,
  TaskList,
  TaskListQuery,
} from "./tasks.ts";

/** One endpoint of the HTTP API, as both the server and the HTTP client see it. */
export interface ApiRoute {
  method: "get" | "post";
  /** Hono-style path: `/api/v1/tasks/:id`. */
  path: string;
  summary: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The success response; `sse` routes also answer `text/event-stream` when following. */
  response: z.ZodType;
  status?: 200 | 201;
  sse?: boolean;
  tag: "tasks" | "control" | "summaries" | "dlq";
}

const IdParams = z.strictObject({ id: TaskId });
const RefParams = z.strictObject({ ref: z.string().min(1) });

/**
 * Every endpoint under `/api/v1`. The server mounts handlers for exactly these, validates
 * with these schemas and derives its OpenAPI document from them; the HTTP client parses
 * responses with them. Adding an endpoint starts here.
 */
export const API_ROUTES = {
  submitTask: {
    method: "post",
    path: "/api/v1/tasks",
    summary: "Submit a task (201 when created, 200 when the id was already submitted)",
    body: SubmitBody,
    response: SubmitResponse,
    status: 201,
    tag: "tasks",
  },
  listTasks: {
    method: "get",
    path: "/api/v1/tasks",
    summary: "List task records, newest first, filtered by state, source, repository and time",
    query: TaskListQuery,
    response: TaskList,
    tag: "tasks",
  },
  getTask: {
    method: "get",
    path: "/api/v1/tasks/:id",
    summary: "One task's record",
    params: IdParams,
    response: TaskRecord,
    tag: "tasks",
  },
  taskEvents: {
    method: "get",
    path: "/api/v1/tasks/:id/events",
    summary:
      "A task's events after a point; with follow=1 (or Accept: text/event-stream) a server-sent event stream that ends when the task does",
    params: IdParams,
    query: EventsQuery,
    response: EventList,
    sse: true,
    tag: "tasks",
  },
  cancelTask: {
    method: "post",
    path: "/api/v1/tasks/:id/cancel",
    summary: "Cancel a task, queued or running",
    params: IdParams,
    body: MessageBody,
    response: CancelResponse,
    tag: "tasks",
  },
  approveTask: {
    method: "post",
    path: "/api/v1/tasks/:id/approve",
    summary: "Approve a supervised task's checkpoint",
    params: IdParams,
    body: MessageBody,
    response: DecisionResponse,
    tag: "control",
  },
  rejectTask: {
    method: "post",
    path: "/api/v1/tasks/:id/reject",
    summary: "Reject a supervised task's checkpoint",
    params: IdParams,
    body: MessageBody,
    response: DecisionResponse,
    tag: "control",
  },
  pauseState: {
    method: "get",
    path: "/api/v1/pause",
    summary: "Pause flags: everything, and schedules by name",
    response: PauseState,
    tag: "control",
  },
  pause: {
    method: "post",
    path: "/api/v1/pause",
    summary: "Pause all scheduling, or one schedule (durable until resumed)",
    body: PauseBody,
    response: PauseState,
    tag: "control",
  },
  resume: {
    method: "post",
    path: "/api/v1/resume",
    summary: "Resume everything, or one schedule; `resumed` says whether it had been paused",
    body: PauseBody,
    response: ResumeResponse,
    tag: "control",
  },
  queueSummary: {
    method: "get",
    path: "/api/v1/summary/queue",
    summary: "Queue depth, tasks by state, waiting tasks by reason, DLQ size",
    response: QueueSummary,
    tag: "summaries",
  },
  budgetSummary: {
    method: "get",
    path: "/api/v1/summary/budget",
    summary: "Spend per day and per repository",
    query: BudgetQuery,
    response: BudgetSummary,
    tag: "summaries",
  },
  status: {
    method: "get",
    path: "/api/v1/status",
    summary: "What `nightshift status` shows: queue, running and waiting tasks, services",
    response: SystemStatus,
    tag: "summaries",
  },
  services: {
    method: "get",
    path: "/api/v1/services",
    summary: "Running service instances and their state",
    response: ServiceList,
    tag: "summaries",
  },
  series: {
    method: "get",
    path: "/api/v1/series",
    summary: "Queue depth and dispatch latency over the last samples",
    response: Series,
    tag: "summaries",
  },
  watch: {
    method: "get",
    path: "/api/v1/watch",
    summary: "Server-sent events: every task record as it changes",
    response: TaskRecord,
    sse: true,
    tag: "tasks",
  },
  deadLetters: {
    method: "get",
    path: "/api/v1/dlq",
    summary: "Dead-lettered messages with their reasons",
    response: DeadLetterList,
    tag: "dlq",
  },
  redrive: {
    method: "post",
    path: "/api/v1/dlq/:ref/redrive",
    summary: "Put a dead-lettered task (by task id or DLQ sequence) back on its queue",
    params: RefParams,
    response: RedriveResponse,
    tag: "dlq",
  },
} as const satisfies Record<string, ApiRoute>;

export type ApiRouteId = keyof typeof API_ROUTES;

/** Fills `:name` segments of a route's path. */
export function routePath(path: string, params: Record<string, string> = {}): string {
  return path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`missing path parameter ${name} for ${path}`);
    return encodeURIComponent(v);
  });
}
