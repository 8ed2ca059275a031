import { countRecords, summariseSpend } from "@nightshift/client";
import { TaskState, WaitReason } from "@nightshift/contracts";
import type { Bus } from "@nightshift/messaging";
import { Counter, Gauge, type Registry } from "prom-client";
import { cachedSnapshot, readSnapshot, type SystemSnapshot } from "./snapshot.ts";

export interface SystemMetricsOptions {
  bus: Bus;
  registry: Registry;
  /** Scrapes closer together than this share one reading of NATS (default 2 s). */
  maxAgeMs?: number;
  now?: () => number;
}

type Fill = (g: Gauge<string>, s: SystemSnapshot) => void;

/**
 * Registers the system-wide gauges every service exposes on `/metrics`: queue depth, tasks
 * by state, waiting tasks by reason, DLQ size, tokens and spend, rate-limit state, leases
 * held and pause flags. They are read from JetStream and KV when scraped, so every service
 * reports the same figures (aggregate with `max`, not `sum`).
 */
export function registerSystemMetrics(opts: SystemMetricsOptions): void {
  const now = opts.now ?? Date.now;
  const registers = [opts.registry];
  const errors = new Counter({
    name: "nightshift_metrics_collect_errors_total",
    help: "Scrapes whose reading of JetStream and KV failed (the gauges keep their last values)",
    registers,
    // Metrics are collected concurrently: wait for this scrape's reading, so a failure
    // shows in the scrape it happened in.
    async collect() {
      await snapshot().catch(() => undefined);
    },
  });
  const snapshot = cachedSnapshot(
    () => readSnapshot(opts.bus, now()),
    opts.maxAgeMs ?? 2_000,
    now,
    () => errors.inc(),
  );
  const gauge = (name: string, help: string, labelNames: string[], fill: Fill): void => {
    new Gauge({
      name,
      help,
      labelNames,
      registers,
      async collect() {
        let s: SystemSnapshot;
        try {
          s = await snapshot();
        } catch {
          return; // counted once in nightshift_metrics_collect_errors_total
        }
        if (labelNames.length > 0) this.reset();
        fill(this, s);
      },
    });
  };

  gauge(
    "nightshift_queue_messages",
    "Messages in the TASKS stream: tasks queued, waiting or running",
    [],
    (g, s) => g.set(s.queue.messages),
  );
  gauge("nightshift_queue_pending", "Task messages not yet delivered to any executor", [], (g, s) =>
    g.set(s.queue.pending),
  );
  gauge(
    "nightshift_queue_ack_pending",
    "Task messages delivered and not finished (running, or waiting on a delayed retry)",
    [],
    (g, s) => g.set(s.queue.ackPending),
  );
  gauge(
    "nightshift_queue_oldest_age_seconds",
    "Age of the oldest message in the TASKS stream (0 when empty)",
    [],
    (g, s) =>
      g.set(s.queue.oldestAt ? Math.max(0, (s.at - Date.parse(s.queue.oldestAt)) / 1000) : 0),
  );
  gauge("nightshift_tasks", "Task records by state", ["state"], (g, s) => {
    const { counts } = countRecords(s.records);
    for (const state of TaskState.options) g.set({ state }, counts[state] ?? 0);
  });
  gauge("nightshift_tasks_waiting", "Waiting tasks by reason", ["reason"], (g, s) => {
    const { waiting } = countRecords(s.records);
    for (const reason of new Set([...WaitReason.options, ...Object.keys(waiting)]))
      g.set({ reason }, waiting[reason] ?? 0);
  });
  gauge("nightshift_dlq_messages", "Messages in the dead-letter stream", [], (g, s) =>
    g.set(s.dlq),
  );
  gauge(
    "nightshift_task_tokens",
    "Tokens used by the tasks in the tasks bucket, by backend and kind",
    ["backend", "kind"],
    (g, s) => {
      for (const r of s.records) {
        const backend = r.session?.backend ?? r.task.backend ?? "default";
        const u = r.usage;
        g.inc({ backend, kind: "input" }, u.inputTokens);
        g.inc({ backend, kind: "output" }, u.outputTokens);
        g.inc({ backend, kind: "cache_read" }, u.cacheReadTokens);
        g.inc({ backend, kind: "cache_write" }, u.cacheWriteTokens);
      }
    },
  );
  gauge(
    "nightshift_task_spend_usd",
    "Spend of the tasks in the tasks bucket, by backend, in US dollars",
    ["backend"],
    (g, s) => {
      for (const r of s.records)
        g.inc({ backend: r.session?.backend ?? r.task.backend ?? "default" }, r.usage.costUsd);
    },
  );
  gauge(
    "nightshift_spend_today_usd",
    "Spend today (UTC) in US dollars: the budgets bucket's counters, or the records' usage",
    [],
    (g, s) => g.set(summariseSpend(s.records, 1, new Date(s.at), s.spend).total.costUsd),
  );
  gauge(
    "nightshift_rate_limited_tasks",
    "Tasks waiting for a provider's rate limit to reset",
    [],
    (g, s) => g.set(rateLimited(s).count),
  );
  gauge(
    "nightshift_rate_limit_reset_seconds",
    "Seconds until the last known rate-limit window of a waiting task resets (0 when none)",
    [],
    (g, s) => g.set(rateLimited(s).resetSec),
  );
  gauge(
    "nightshift_leases_held",
    "Entries in the leases bucket: repositories being worked on, and leader leases",
    [],
    (g, s) => g.set(s.leases),
  );
  gauge(
    "nightshift_paused",
    'Pause flags set in the control bucket (scope "all" or a schedule name)',
    ["scope"],
    (g, s) => {
      g.set({ scope: "all" }, s.paused.all ? 1 : 0);
      for (const name of s.paused.schedules) g.set({ scope: `schedule:${name}` }, 1);
    },
  );
}

function rateLimited(s: SystemSnapshot): { count: number; resetSec: number } {
  let count = 0;
  let until = s.at;
  for (const r of s.records) {
    if (r.state !== "waiting" || r.waitReason !== "rate-limited") continue;
    count++;
    if (r.waitUntil !== undefined) until = Math.max(until, Date.parse(r.waitUntil));
  }
  return { count, resetSec: (until - s.at) / 1000 };
}
