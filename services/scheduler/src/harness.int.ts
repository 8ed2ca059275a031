import { afterEach, beforeEach } from "vitest";
import type { InProcessServices } from "@nightshift/host";
import { connectNats, openBus, type Bus } from "@nightshift/messaging";
import { startTestNats, waitFor, type TestNats } from "@nightshift/testkit";
import { metricValues, startScheduler, statusOf, sum } from "./fixture.int.ts";

export interface SchedulerHarness {
  /** A client's view of the bus (open for the whole test). */
  bus: () => Bus;
  scheduler: (
    instance: string,
    schedules: Record<string, unknown>,
    env?: Record<string, string | undefined>,
  ) => Promise<InProcessServices>;
  /** Graceful stop (the lease is released). */
  stop: (svc: InProcessServices) => Promise<void>;
}

/**
 * Registers hooks that give each test a fresh nats-server and stop every scheduler it
 * started, and returns the helpers to start them.
 */
export function schedulerHarness(): SchedulerHarness {
  let nats: TestNats;
  let bus: Bus;
  let closeBus: () => Promise<void>;
  const running: InProcessServices[] = [];
  const scheduler: SchedulerHarness["scheduler"] = async (instance, schedules, env) => {
    const svc = await startScheduler(nats.url, instance, schedules, env);
    running.push(svc);
    return svc;
  };
  const stop = async (svc: InProcessServices): Promise<void> => {
    await svc.stop();
    running.splice(running.indexOf(svc), 1);
  };
  beforeEach(async () => {
    nats = await startTestNats();
    // A scheduler provisions streams and buckets; the test's own reader connects after.
    await stop(await scheduler("provisioner", {}));
    const nc = await connectNats({ servers: nats.url, name: "test-reader" });
    closeBus = () => nc.close();
    bus = await openBus(nc);
  });
  afterEach(async () => {
    // A "crashed" instance has a closed connection; its stop rejects and that is fine.
    await Promise.all(running.splice(0).map((s) => s.forceStop().catch(() => undefined)));
    await closeBus();
    await nats.dispose();
  });
  return { bus: () => bus, scheduler, stop };
}

export const everySecond = (extra: Record<string, unknown> = {}) => ({
  cron: "* * * * * *",
  task: { prompt: "tick" },
  ...extra,
});

export async function leaderSince(svc: InProcessServices): Promise<Date> {
  const s = await waitFor(
    async () => {
      const st = await statusOf(svc);
      return st.leader ? st : undefined;
    },
    { message: `${svc.instance} leading`, timeoutMs: 15_000 },
  );
  return new Date(s.leaderSince!);
}

export async function fires(svc: InProcessServices, outcome: string): Promise<number> {
  return sum(
    (await metricValues(svc, "nightshift_schedule_fires_total")).filter(
      (v) => v.labels["outcome"] === outcome,
    ),
  );
}

export function consecutive(slots: string[]): boolean {
  const ms = slots.map((s) => Date.parse(s)).sort((a, b) => a - b);
  return ms.every((t, i) => i === 0 || t - ms[i - 1]! === 1000);
}

/** Waits until the clock has passed `t` (a condition, not a fixed sleep). */
export const clockPast = (t: number, message: string) =>
  waitFor(() => Date.now() > t, { timeoutMs: 15_000, message });
