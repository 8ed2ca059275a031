import type { ApprovalDecision, Presence, TaskRecord } from "@nightshift/contracts";
import type { CancelResult } from "./cancel.ts";
import type { FollowOptions } from "./events.ts";
import type { PauseScope } from "./pause.ts";
import type { RecordFilter, RecordPage } from "./records.ts";
import type { SubmitRequest } from "./submit.ts";
import type { PauseState, ResumeResponse } from "./wire/control.ts";
import type {
  BudgetSummary,
  DeadLetter,
  QueueSummary,
  RedriveResponse,
  SystemStatus,
} from "./wire/summaries.ts";
import type { SequencedEvent, SubmitResponse } from "./wire/tasks.ts";

export type EventsOptions = Pick<FollowOptions, "follow" | "afterSeq" | "signal">;

/**
 * Everything a person or an integration does with nightshift, over either transport:
 * `busClient` talks to NATS directly, `httpClient` to the HTTP API, whose handlers call
 * `busClient`. The CLI and the API therefore run the same code and cannot disagree.
 */
export interface NightshiftClient {
  readonly transport: "nats" | "http";
  submit(req: SubmitRequest): Promise<SubmitResponse>;
  /** A task's record, or undefined when there is no such task. */
  get(id: string): Promise<TaskRecord | undefined>;
  list(filter?: RecordFilter): Promise<RecordPage>;
  cancel(id: string, message?: string): Promise<CancelResult>;
  decide(id: string, decision: "approve" | "reject", message?: string): Promise<ApprovalDecision>;
  pauseState(): Promise<PauseState>;
  pause(scope: PauseScope): Promise<PauseState>;
  resume(scope: PauseScope): Promise<ResumeResponse>;
  /** A task's events after `afterSeq`; with `follow`, new ones until the task ends. */
  events(id: string, opts: EventsOptions): AsyncIterable<SequencedEvent>;
  status(): Promise<SystemStatus>;
  queue(): Promise<QueueSummary>;
  budget(opts?: { days?: number }): Promise<BudgetSummary>;
  services(): Promise<Presence[]>;
  deadLetters(): Promise<DeadLetter[]>;
  redrive(ref: string): Promise<RedriveResponse>;
}
