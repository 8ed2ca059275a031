export type { NightshiftClient, EventsOptions } from "./client.ts";
export { busClient } from "./bus-client.ts";
export type { BusClientOptions } from "./bus-client.ts";
export { httpClient } from "./http/http-client.ts";
export type { HttpClientOptions } from "./http/http-client.ts";
export { parseSse } from "./http/sse.ts";
export type { SseMessage } from "./http/sse.ts";
export { InvalidRequestError, ApiResponseError, describeIssues } from "./errors.ts";
export { submitTask, normaliseRepo } from "./submit.ts";
export type { SubmitRequest } from "./submit.ts";
export { cancelTask } from "./cancel.ts";
export type { CancelResult } from "./cancel.ts";
export { decideApproval, approvalOf } from "./approval.ts";
export { pauseScheduling, resumeScheduling, pauseState } from "./pause.ts";
export type { PauseScope } from "./pause.ts";
export { listRecords, queryRecords } from "./records.ts";
export type { RecordFilter, RecordPage } from "./records.ts";
export { taskEvents } from "./events.ts";
export { watchRecords } from "./watch.ts";
export type { RecordChange } from "./watch.ts";
export type { FollowOptions } from "./events.ts";
export { listDeadLetters, redrive } from "./dlq.ts";
export { systemStatus } from "./system-status.ts";
export { queueSummary, queueInfo, dlqSize, countRecords } from "./queue.ts";
export { budgetSummary, summariseSpend, spendRepo, readBudgetBucket } from "./budget.ts";
export type { SpendCounterEntry } from "./budget.ts";
export { listServices } from "./services.ts";
export { API_ROUTES, routePath } from "./wire/routes.ts";
export type { ApiRoute, ApiRouteId } from "./wire/routes.ts";
export { ApiErrorBody, Issue, issuesOf } from "./wire/errors.ts";
export {
  SubmitBody,
  SubmitResponse,
  TaskListQuery,
  TaskList,
  MessageBody,
  CancelResponse,
  EventsQuery,
  SequencedEvent,
  EventList,
} from "./wire/tasks.ts";
export {
  PauseBody,
  PauseState,
  ResumeResponse,
  DecisionResponse,
  ScheduleName,
} from "./wire/control.ts";
export {
  QueueInfo,
  QueueSummary,
  SpendBucket,
  BudgetSummary,
  BudgetQuery,
  SystemStatus,
  SchedulingStatus,
  ServiceList,
  DeadLetter,
  DeadLetterList,
  RedriveResponse,
  SeriesSample,
  Series,
} from "./wire/summaries.ts";
export { schedulesStatus } from "./schedules.ts";
export type { ScheduleStatus, SchedulesStatus } from "./schedules.ts";
