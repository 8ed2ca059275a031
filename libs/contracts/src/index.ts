export {
  Streams,
  Buckets,
  ObjectStores,
  Consumers,
  Subjects,
  Keys,
  DlqHeaders,
  TaskHeaders,
  NO_REPO_KEY,
} from "./names.ts";
export { newTaskId, deterministicTaskId, repoKey, TASK_ID_PATTERN } from "./ids.ts";
export { TaskCard } from "./task-card.ts";
export {
  Task,
  TaskId,
  TaskSource,
  SourceKind,
  SourceSnapshot,
  TaskRepo,
  TaskLimits,
  TaskMode,
  TaskLoop,
  TaskInput,
  AgentRole,
  MAX_LOOP_ROUNDS,
  TASK_SCHEMA_VERSION,
} from "./task.ts";
export type { TaskInputShape } from "./task.ts";
export { TaskState, WaitReason, TERMINAL_STATES, isTerminal, canTransition } from "./task-state.ts";
export {
  TaskRecord,
  CheckpointName,
  PendingCheckpoint,
  TaskResult,
  Transition,
  Usage,
  EMPTY_USAGE,
  MAX_TRANSITIONS,
  TASK_RECORD_VERSION,
} from "./task-record.ts";
export { TaskEvent, TASK_EVENT_VERSION } from "./task-event.ts";
export type { TaskEventType, TaskEventBody } from "./task-event.ts";
export { CancelRequest, ApprovalDecision, PauseFlag, Presence } from "./control.ts";
export { EmailOutbound } from "./outbox.ts";
export type { EmailOutboundInput } from "./outbox.ts";
export { Escalation } from "./escalation.ts";
export { ScheduleState, ScheduleSkipReason } from "./schedule.ts";
export { AgentResultFile, TestRun, RESULT_FILE } from "./agent-result.ts";
export {
  REVIEW_FOLDER,
  REVIEW_REQUEST_FILE,
  REVIEW_REPORT_FILE,
  Severity,
  FixItem,
  ReviewDecision,
  ReviewReport,
  ReviewRequest,
  CheckOutcome,
  CommitLine,
  FixList,
  RoundPhase,
  LoopRound,
  PlayedBy,
  WorkReport,
  InvalidReviewReport,
  roundArtifact,
} from "./review.ts";
export { CARD_BLOCK, CardBlock, cardFromText, cardFields } from "./card-block.ts";
export type { CardFromText } from "./card-block.ts";
