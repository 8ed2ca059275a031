export { schedulerService, DEFAULT_GITHUB_API_URL } from "./service.ts";
export type { SchedulerOptions } from "./service.ts";
export { triggerSchedule } from "./trigger.ts";
export type { TriggerDeps } from "./trigger.ts";
export type { FireResult } from "./fire-slot.ts";
export { scheduleTaskId, slotKey } from "./schedule-task.ts";
export { scheduleClock } from "./schedule-clock.ts";
