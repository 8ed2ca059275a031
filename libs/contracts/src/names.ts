/** JetStream stream names. */
export const Streams = {
  tasks: "TASKS",
  events: "EVENTS",
  dlq: "DLQ",
  outbox: "OUTBOX",
} as const;

/** KV bucket names. */
export const Buckets = {
  tasks: "tasks",
  leases: "leases",
  cursors: "cursors",
  budgets: "budgets",
  control: "control",
  /** Presence of running service instances; entries expire when not refreshed. */
  services: "services",
  /** Notifier delivery state: one key per notification and channel, so nothing is sent twice. */
  notifications: "notifications",
} as const;

/** Object store names. */
export const ObjectStores = {
  artifacts: "artifacts",
} as const;

/** Durable consumer names. */
export const Consumers = {
  executor: "executor",
  notifier: "notifier",
  emailOutbox: "email-outbox",
  /** The email gateway's view of task state events (replies when an emailed task ends). */
  emailReplies: "email-replies",
  webhookOutbox: "webhook-outbox",
  /** The poller's follower of task state events (status comments, Linear, task files). */
  pollerWriteback: "poller-writeback",
} as const;

/** Subject builders. Every token passed in must already be subject-safe. */
export const Subjects = {
  tasksAll: "tasks.run.>",
  taskRun: (repoKey: string) => `tasks.run.${repoKey}`,
  /** Every subject of the EVENTS stream. */
  eventsStream: "events.>",
  eventsAll: "events.task.>",
  eventsOf: (taskId: string) => `events.task.${taskId}.>`,
  event: (taskId: string, type: string) => `events.task.${taskId}.${type}`,
  escalationsAll: "events.escalation.>",
  escalation: (id: string) => `events.escalation.${id}`,
  dlqAll: "dlq.>",
  dlqTasks: (repoKey: string) => `dlq.tasks.${repoKey}`,
  outboxAll: "outbox.>",
  outbox: (kind: string) => `outbox.${kind}`,
} as const;

/** Keys in the `leases`, `control` and other buckets. */
export const Keys = {
  repoLease: (repoKey: string) => `repo.${repoKey}`,
  schedulerLeader: "leader.scheduler",
  cancel: (taskId: string) => `cancel.${taskId}`,
  approval: (taskId: string) => `approval.${taskId}`,
  pauseAll: "pause.all",
  pauseSchedule: (name: string) => `pause.schedule.${name}`,
  /** A schedule's cursor and counters in the cursors bucket. */
  scheduleState: (name: string) => `schedule.${name}`,
  scheduleStatesAll: "schedule.>",
  presence: (service: string, instance: string) => `${service}.${instance}`,
  /** A provider account's rate-limit breaker: open until the provider's reset time. */
  rateLimit: (account: string) => `ratelimit.${account}`,
} as const;

/** DLQ headers; the original payload is kept byte for byte as the message body. */
export const DlqHeaders = {
  origSubject: "X-Orig-Subject",
  origSeq: "X-Orig-Seq",
  deliveries: "X-Deliveries",
  reason: "X-Reason",
  detail: "X-Reason-Detail",
  taskId: "X-Task-Id",
  failedAt: "X-Failed-At",
} as const;

/**
 * Headers a producer puts on a task message about the record it created with it: its
 * revision, creation time and digest. The executor rebuilds that record from the task and
 * writes its first transition on that revision without reading it back; when anything
 * changed the record since, the compare-and-set fails and it reads the record after all.
 */
export const TaskHeaders = {
  recordRevision: "Nightshift-Record-Revision",
  recordCreatedAt: "Nightshift-Record-Created-At",
  recordDigest: "Nightshift-Record-Digest",
} as const;

/** The subject token used for tasks that have no repository. */
export const NO_REPO_KEY = "none";
