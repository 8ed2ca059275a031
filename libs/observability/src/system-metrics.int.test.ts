import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@nightshift/config";
import { Keys, Subjects, type TaskRecord } from "@nightshift/contracts";
import {
  applyTransition,
  connectNats,
  openBus,
  provision,
  publishTask,
  type Bus,
  type NatsConnection,
} from "@nightshift/messaging";
import { parsePrometheusText, startTestNats, type TestNats } from "@nightshift/testkit";
import { registerSystemMetrics } from "./system-metrics.ts";

let nats: TestNats;
let nc: NatsConnection;
let bus: Bus;

beforeAll(async () => {
  nats = await startTestNats();
  nc = await connectNats({ servers: nats.url, name: "metrics-test" });
  await provision(nc, parseConfig({}, {}).config.nats);
  bus = await openBus(nc);
});

afterAll(async () => {
  await nc.close().catch(() => undefined);
  await nats.dispose();
});

async function task(id: string, change?: (r: TaskRecord) => TaskRecord): Promise<void> {
  await publishTask(bus, {
    v: 1,
    id,
    createdAt: new Date().toISOString(),
    source: { kind: "api" },
    prompt: id,
    backend: "claude",
  });
  if (change) await bus.tasks.update(id, change);
}

function value(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const family = parsePrometheusText(text).get(name);
  return family?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    ?.value;
}

describe("system metrics", () => {
  it("reports queue depth, states, waiting reasons, DLQ, spend, rate limits, leases and pauses", async () => {
    const registry = new Registry();
    let now = Date.now();
    registerSystemMetrics({ bus, registry, maxAgeMs: 1_000, now: () => now });
    const resetAt = new Date(Date.now() + 90_000).toISOString();
    await task("m-limited", (r) =>
      applyTransition(r, "waiting", {
        reason: "rate-limited",
        waitReason: "rate-limited",
        waitUntil: resetAt,
      }),
    );
    await task("m-busy", (r) =>
      applyTransition(r, "waiting", { reason: "repo-busy", waitReason: "repo-busy" }),
    );
    await task("m-running", (r) => applyTransition(r, "running"));
    await task("m-done", (r) => ({
      ...applyTransition(applyTransition(r, "running"), "succeeded"),
      usage: {
        turns: 2,
        inputTokens: 1200,
        outputTokens: 300,
        cacheReadTokens: 50,
        cacheWriteTokens: 0,
        costUsd: 0.75,
      },
      session: { backend: "claude-code", id: "s1" },
    }));
    await bus.js.publish(Subjects.dlqTasks("x"), "{}");
    await bus.kv.leases.put(Keys.repoLease("x"), "{}");
    await bus.kv.control.put(
      Keys.pauseSchedule("nightly"),
      JSON.stringify({ at: new Date().toISOString(), by: "t" }),
    );

    const text = await registry.metrics();
    const f = parsePrometheusText(text);
    expect(f.get("nightshift_queue_messages")?.type).toBe("gauge");
    expect(value(text, "nightshift_queue_messages")).toBe(4);
    expect(value(text, "nightshift_queue_pending")).toBe(4);
    expect(value(text, "nightshift_queue_oldest_age_seconds")).toBeGreaterThanOrEqual(0);
    expect(value(text, "nightshift_tasks", { state: "waiting" })).toBe(2);
    expect(value(text, "nightshift_tasks", { state: "running" })).toBe(1);
    expect(value(text, "nightshift_tasks", { state: "failed" })).toBe(0);
    expect(value(text, "nightshift_tasks_waiting", { reason: "rate-limited" })).toBe(1);
    expect(value(text, "nightshift_tasks_waiting", { reason: "repo-busy" })).toBe(1);
    expect(value(text, "nightshift_tasks_waiting", { reason: "budget" })).toBe(0);
    expect(value(text, "nightshift_dlq_messages")).toBe(1);
    expect(value(text, "nightshift_task_tokens", { backend: "claude-code", kind: "input" })).toBe(
      1200,
    );
    expect(
      value(text, "nightshift_task_tokens", { backend: "claude-code", kind: "cache_read" }),
    ).toBe(50);
    expect(value(text, "nightshift_task_tokens", { backend: "claude", kind: "output" })).toBe(0);
    expect(value(text, "nightshift_task_spend_usd", { backend: "claude-code" })).toBe(0.75);
    expect(value(text, "nightshift_spend_today_usd")).toBe(0.75);
    expect(value(text, "nightshift_rate_limited_tasks")).toBe(1);
    expect(value(text, "nightshift_rate_limit_reset_seconds")).toBeGreaterThan(80);
    expect(value(text, "nightshift_leases_held")).toBe(1);
    expect(value(text, "nightshift_paused", { scope: "all" })).toBe(0);
    expect(value(text, "nightshift_paused", { scope: "schedule:nightly" })).toBe(1);

    // Scrapes within maxAgeMs share one reading; a later one sees the change.
    await bus.js.publish(Subjects.dlqTasks("x"), "{}");
    expect(value(await registry.metrics(), "nightshift_dlq_messages")).toBe(1);
    now += 1_000;
    expect(value(await registry.metrics(), "nightshift_dlq_messages")).toBe(2);
  });

  it("keeps answering with valid text, and counts the failure, when NATS is gone", async () => {
    const nc2 = await connectNats({ servers: nats.url, name: "metrics-test-2" });
    const registry = new Registry();
    registerSystemMetrics({ bus: await openBus(nc2), registry, maxAgeMs: 0 });
    expect(value(await registry.metrics(), "nightshift_metrics_collect_errors_total")).toBe(0);
    await nc2.close();
    const text = await registry.metrics();
    expect(value(text, "nightshift_metrics_collect_errors_total")).toBe(1);
    expect(parsePrometheusText(text).has("nightshift_queue_messages")).toBe(true);
  });
});
