import { tmpdir } from "node:os";
import { Keys, ScheduleState, Streams, Task } from "@nightshift/contracts";
import { startInProcess, type InProcessServices } from "@nightshift/host";
import type { Bus } from "@nightshift/messaging";
import { schedulerService } from "./service.ts";

/** Short lease timings so leader changes happen within a test. */
export const FAST_NATS = { leaseTtl: "3s", heartbeat: "500ms", ackWait: "2s" } as const;
export const LEASE_TTL_MS = 3_000;
export const POLL_MS = 500;

export interface SchedulerStatus {
  instance: string;
  leader: boolean;
  leaderSince?: string;
  schedules: {
    name: string;
    next: string[];
    fires: number;
    skips: Record<string, number>;
    paused: false | { scope: string };
  }[];
}

export async function startScheduler(
  natsUrl: string,
  instance: string,
  schedules: Record<string, unknown>,
  env: Record<string, string | undefined> = { PATH: process.env["PATH"] },
): Promise<InProcessServices> {
  return startInProcess([schedulerService({ env, cwd: tmpdir() })], {
    natsUrl,
    instance,
    config: { nats: FAST_NATS, schedules },
  });
}

export async function statusOf(svc: InProcessServices): Promise<SchedulerStatus> {
  const res = await svc.app.request("/status");
  const body = (await res.json()) as { components: { scheduler: SchedulerStatus } };
  return body.components.scheduler;
}

/** Every task message in the TASKS stream (nothing consumes it in these tests). */
export async function publishedTasks(bus: Bus): Promise<Task[]> {
  const info = await bus.jsm.streams.info(Streams.tasks);
  const out: Task[] = [];
  if (info.state.messages === 0) return out;
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const m = await bus.jsm.streams.getMessage(Streams.tasks, { seq }).catch(() => null);
    if (m) out.push(Task.parse(m.json()));
  }
  return out;
}

/** Slot (ISO) → number of task messages published for it, for one schedule. */
export async function slotsOf(bus: Bus, schedule: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const t of await publishedTasks(bus)) {
    if (t.source.attributes["schedule"] !== schedule) continue;
    const slot = t.source.attributes["slot"]!;
    counts.set(slot, (counts.get(slot) ?? 0) + 1);
  }
  return counts;
}

export async function stateOf(bus: Bus, schedule: string): Promise<ScheduleState | undefined> {
  const e = await bus.kv.cursors.get(Keys.scheduleState(schedule));
  return e && e.operation === "PUT" ? ScheduleState.parse(e.json()) : undefined;
}

/** Counter values of a metric in a service's registry, by label set. */
export async function metricValues(
  svc: InProcessServices,
  name: string,
): Promise<{ labels: Partial<Record<string, string | number>>; value: number }[]> {
  const m = svc.registry.getSingleMetric(name);
  if (!m) return [];
  return (await m.get()).values.map((v) => ({ labels: v.labels, value: v.value }));
}

export function sum(values: { value: number }[]): number {
  return values.reduce((a, v) => a + v.value, 0);
}

/** Whole-second slots strictly between two times. */
export function secondsBetween(afterExclusive: Date, beforeExclusive: Date): string[] {
  const out: string[] = [];
  for (
    let t = Math.floor(afterExclusive.getTime() / 1000) * 1000 + 1000;
    t < beforeExclusive.getTime();
    t += 1000
  )
    out.push(new Date(t).toISOString());
  return out;
}
