import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export interface ExecutorMetrics {
  dispatch: Histogram;
  duration: Histogram<"backend" | "outcome">;
  outcomes: Counter<"backend" | "outcome">;
  running: Gauge;
  leaseBusy: Counter;
}

export function executorMetrics(registry: Registry): ExecutorMetrics {
  return {
    dispatch: new Histogram({
      name: "nightshift_dispatch_latency_seconds",
      help: "Time from a task's publish to its agent process being spawned",
      buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 120],
      registers: [registry],
    }),
    duration: new Histogram({
      name: "nightshift_task_duration_seconds",
      help: "Wall time of task attempts, by backend and outcome",
      labelNames: ["backend", "outcome"],
      buckets: [1, 5, 15, 60, 300, 900, 1800, 3600, 7200],
      registers: [registry],
    }),
    outcomes: new Counter({
      name: "nightshift_task_outcomes_total",
      help: "Finished task attempts, by backend and outcome",
      labelNames: ["backend", "outcome"],
      registers: [registry],
    }),
    running: new Gauge({
      name: "nightshift_executor_running_tasks",
      help: "Tasks running in this executor",
      registers: [registry],
    }),
    leaseBusy: new Counter({
      name: "nightshift_lease_contention_total",
      help: "Deliveries put back because their repository was leased by another task",
      registers: [registry],
    }),
  };
}
