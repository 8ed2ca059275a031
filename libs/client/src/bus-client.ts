import type { Bus } from "@nightshift/messaging";
import { decideApproval } from "./approval.ts";
import { budgetSummary } from "./budget.ts";
import { cancelTask } from "./cancel.ts";
import type { NightshiftClient } from "./client.ts";
import { listDeadLetters, redrive } from "./dlq.ts";
import { taskEvents } from "./events.ts";
import { pauseScheduling, pauseState, resumeScheduling } from "./pause.ts";
import { queueSummary } from "./queue.ts";
import { queryRecords } from "./records.ts";
import { listServices } from "./services.ts";
import { submitTask } from "./submit.ts";
import { systemStatus } from "./system-status.ts";

export interface BusClientOptions {
  /** Who acts, recorded on cancellations, approvals and pauses: `cli:alice`, `api:ci`. */
  by: string;
}

/** The client that talks to NATS directly (the CLI by default, and the API's handlers). */
export function busClient(bus: Bus, opts: BusClientOptions): NightshiftClient {
  return {
    transport: "nats",
    async submit(req) {
      const { task, created } = await submitTask(bus, req);
      return { id: task.id, created, task };
    },
    async get(id) {
      return (await bus.tasks.get(id))?.record;
    },
    list: (filter) => queryRecords(bus, filter),
    cancel: (id, message) => cancelTask(bus, id, opts.by, message),
    decide: (id, decision, message) => decideApproval(bus, id, decision, opts.by, message),
    pauseState: () => pauseState(bus),
    async pause(scope) {
      await pauseScheduling(bus, { ...scope, by: opts.by });
      return pauseState(bus);
    },
    async resume(scope) {
      const resumed = await resumeScheduling(bus, scope);
      return { ...(await pauseState(bus)), resumed };
    },
    events: (id, o) => taskEvents(bus, id, o),
    status: () => systemStatus(bus),
    queue: () => queueSummary(bus),
    budget: (o) => budgetSummary(bus, o?.days !== undefined ? { days: o.days } : {}),
    services: () => listServices(bus),
    deadLetters: () => listDeadLetters(bus),
    redrive: (ref) => redrive(bus, ref),
  };
}
