/**
 * What the checker reads: plain data gathered after a run from the producers' own logs,
 * the agent's execution log, the origin repositories and NATS. Kept free of I/O so the
 * checker can be tested on hand-made histories.
 */

/** A task a producer got a publish acknowledgement for, and what it should come to. */
export interface SubmittedTask {
  id: string;
  /** The repository's origin path (tasks of the fault suite always have one). */
  repo: string;
  /** `succeed`: a valid task; `dead`: one that must be dead-lettered without running. */
  expect: "succeed" | "dead";
  /** Who produced it: the harness's client, the scheduler, the poller. */
  via: string;
  /** Its result is also a pull request (the poller's GitHub tasks). */
  expectPull?: boolean;
}

/** An issue opened for the poller, and the tasks it made of it (exactly one is right). */
export interface Trigger {
  issue: number;
  tasks: string[];
}

/** One run of the agent, from the execution log (`start`/`end` lines). */
export interface Execution {
  taskId: string;
  attempt: number;
  /** The repository lease's fencing token the executor passed to the agent. */
  fence: number;
  pid: number;
  /** Wall-clock ms. */
  start: number;
  /** Missing when the agent was killed (its executor crashed). */
  end?: number;
}

/** A push to a task branch that landed in an origin (from its post-receive hook). */
export interface Push {
  repo: string;
  taskId: string;
  /** Wall-clock ms when the origin accepted it. */
  at: number;
  /** The lease fence of the agent run whose work this push carries (`runs/<id>`). */
  fences: number[];
}

/** What the world sees of a task: its branch in the origin. */
export interface Delivered {
  taskId: string;
  /** Lines of `effects/<taskId>` on `nightshift/<taskId>` naming the task: one per delivery. */
  effects: number;
}

export interface RecordView {
  id: string;
  state: string;
  attempts: number;
  reason?: string | undefined;
}

export interface DlqEntry {
  seq: number;
  taskId?: string | undefined;
  reason?: string | undefined;
  /** The original payload, as text. */
  body: string;
}

export interface CheckInput {
  submitted: SubmittedTask[];
  /** Markers contained in the malformed payloads that were published. */
  malformed: string[];
  /** Final task records. */
  records: RecordView[];
  /** Task ids that still have a message in the TASKS stream (they will be delivered again). */
  queued: string[];
  executions: Execution[];
  pushes: Push[];
  delivered: Delivered[];
  /** Distinct `succeeded` state events per task id in EVENTS. */
  completions: Record<string, number>;
  dlq: DlqEntry[];
  /** Pull requests opened per task id, and status comments per task id (GitHub tasks). */
  pulls?: Record<string, number>;
  comments?: Record<string, number>;
  triggers?: Trigger[];
  /** Times (ms) at which executors were killed: an agent without an `end` died by then. */
  crashes: number[];
  /** The longest an agent may run; bounds an execution whose end is unknown. */
  maxAgentMs: number;
}
