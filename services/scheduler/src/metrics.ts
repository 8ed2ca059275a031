import { Counter, Gauge, type Registry } from "prom-client";
import type { FireResult } from "./fire-slot.ts";

export interface SchedulerMetrics {
  leader: Gauge;
  fires: Counter<"schedule" | "outcome">;
  skips: Counter<"schedule" | "reason">;
  nextFire: Gauge<"schedule">;
  observe(schedule: string, r: FireResult): void;
}

export function schedulerMetrics(registry: Registry): SchedulerMetrics {
  const fires = new Counter({
    name: "nightshift_schedule_fires_total",
    help: "Fires that reached the TASKS stream, by schedule and outcome (published, duplicate)",
    labelNames: ["schedule", "outcome"],
    registers: [registry],
  });
  const skips = new Counter({
    name: "nightshift_schedule_skips_total",
    help: "Fires that published nothing, by schedule and reason (gate, gate-error, paused, disabled, missed)",
    labelNames: ["schedule", "reason"],
    registers: [registry],
  });
  return {
    leader: new Gauge({
      name: "nightshift_scheduler_leader",
      help: "1 while this scheduler instance holds the leader lease",
      registers: [registry],
    }),
    fires,
    skips,
    nextFire: new Gauge({
      name: "nightshift_schedule_next_fire_timestamp_seconds",
      help: "When the schedule fires next (Unix time, jitter included)",
      labelNames: ["schedule"],
      registers: [registry],
    }),
    observe(schedule, r) {
      if (r.outcome === "skipped") skips.inc({ schedule, reason: r.reason });
      else fires.inc({ schedule, outcome: r.outcome });
    },
  };
}
