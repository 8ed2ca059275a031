import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pauseScheduling, resumeScheduling } from "@nightshift/client";
import type { InProcessServices } from "@nightshift/host";
import { connectNats, openBus, type Bus } from "@nightshift/messaging";
import { startTestNats, waitFor, type TestNats } from "@nightshift/testkit";
import {
  LEASE_TTL_MS,
  metricValues,
  POLL_MS,
  secondsBetween,
  slotsOf,
  startScheduler,
  stateOf,
  statusOf,
  sum,
} from "./fixture.int.ts";
import { startFakeGithub } from "./gates/github-fake.int.ts";
import { jitterMs } from "./schedule-clock.ts";
import { scheduleTaskId } from "./schedule-task.ts";

let nats: TestNats;
let bus: Bus;
let closeBus: () => Promise<void>;
const running: InProcessServices[] = [];

beforeEach(async () => {
  nats = await startTestNats();
  // Provisioning happens when the first scheduler starts; the test's own reader connects after.
  const nc = await connectNats({ servers: nats.url, name: "test-reader" });
  closeBus = () => nc.close();
  const first = await scheduler("provisioner", {});
  await first.stop();
  running.splice(running.indexOf(first), 1);
  bus = await openBus(nc);
});
afterEach(async () => {
  // A "crashed" instance has a closed connection; its stop rejects and that is fine.
  await Promise.all(running.splice(0).map((s) => s.forceStop().catch(() => undefined)));
  await closeBus();
  await nats.dispose();
});

async function scheduler(
  instance: string,
  schedules: Record<string, unknown>,
  env?: Record<string, string | undefined>,
): Promise<InProcessServices> {
  const svc = await startScheduler(nats.url, instance, schedules, env);
  running.push(svc);
  return svc;
}

async function stop(svc: InProcessServices): Promise<void> {
  await svc.stop();
  running.splice(running.indexOf(svc), 1);
}

const everySecond = (extra: Record<string, unknown> = {}) => ({
  cron: "* * * * * *",
  task: { prompt: "tick" },
  ...extra,
});

async function leaderSince(svc: InProcessServices): Promise<Date> {
  const s = await waitFor(
    async () => {
      const st = await statusOf(svc);
      return st.leader ? st : undefined;
    },
    { message: `${svc.instance} leading`, timeoutMs: 15_000 },
  );
  return new Date(s.leaderSince!);
}

async function fires(svc: InProcessServices, outcome: string): Promise<number> {
  return sum(
    (await metricValues(svc, "nightshift_schedule_fires_total")).filter(
      (v) => v.labels["outcome"] === outcome,
    ),
  );
}

function consecutive(slots: string[]): boolean {
  const ms = slots.map((s) => Date.parse(s)).sort((a, b) => a - b);
  return ms.every((t, i) => i === 0 || t - ms[i - 1]! === 1000);
}

/** Waits until the clock has passed `t` (a condition, not a fixed sleep). */
const clockPast = (t: number, message: string) =>
  waitFor(() => Date.now() > t, { timeoutMs: 15_000, message });

describe("scheduler: exactly one run per fire", () => {
  it("two replicas fire each slot exactly once over 20 fires", async () => {
    const a = await scheduler("a", { tick: everySecond({ missed: "run-once" }) });
    const b = await scheduler("b", { tick: everySecond({ missed: "run-once" }) });
    await waitFor(async () => (await slotsOf(bus, "tick")).size >= 20, {
      timeoutMs: 40_000,
      message: "20 fires",
    });
    const publishedBy = await Promise.all([fires(a, "published"), fires(b, "published")]);
    const duplicates = await Promise.all([fires(a, "duplicate"), fires(b, "duplicate")]);
    await Promise.all([stop(a), stop(b)]);

    const slots = await slotsOf(bus, "tick");
    expect(slots.size).toBeGreaterThanOrEqual(20);
    expect([...slots.values()].every((n) => n === 1)).toBe(true);
    expect(consecutive([...slots.keys()])).toBe(true);
    // One replica did all the firing; the other never even tried a slot.
    expect([...publishedBy].sort((x, y) => x - y)).toEqual([0, slots.size]);
    expect(duplicates).toEqual([0, 0]);
    for (const slot of slots.keys()) {
      const r = await bus.tasks.get(scheduleTaskId("tick", new Date(slot)));
      expect(r?.record.task.source.ref).toBe(`sched:tick:${slot}`);
    }
  }, 60_000);

  it("a stopped leader hands over at once, without a double or a missed fire", async () => {
    const a = await scheduler("a", { tick: everySecond() });
    await leaderSince(a);
    const b = await scheduler("b", { tick: everySecond() });
    await waitFor(async () => (await slotsOf(bus, "tick")).size >= 3, { message: "3 fires by a" });
    const stoppedAt = Date.now();
    await stop(a);
    const since = await leaderSince(b);
    const handoverMs = since.getTime() - stoppedAt;
    await waitFor(
      async () =>
        [...(await slotsOf(bus, "tick")).keys()].filter((s) => Date.parse(s) > since.getTime())
          .length >= 3,
      { message: "3 fires by b" },
    );
    await stop(b);
    const slots = await slotsOf(bus, "tick");
    expect([...slots.values()].every((n) => n === 1)).toBe(true);
    // The late slot of the hand-over (if any) is within the default 5 min grace: fired, not lost.
    expect(consecutive([...slots.keys()])).toBe(true);
    expect((await stateOf(bus, "tick"))?.skips.missed ?? 0).toBe(0);
    expect(handoverMs).toBeLessThan(POLL_MS + 1_000);
    console.info(`graceful hand-over: ${handoverMs} ms`);
  }, 30_000);

  it("a crashed leader is replaced within the lease TTL; its late slots follow the policy", async () => {
    const a = await scheduler("a", { tick: everySecond({ missed: "run-once" }) });
    await leaderSince(a);
    const b = await scheduler("b", { tick: everySecond({ missed: "run-once" }) });
    await waitFor(async () => (await slotsOf(bus, "tick")).size >= 3, { message: "3 fires by a" });
    // kill -9: the connection goes, the lease is neither renewed nor released.
    const crashedAt = Date.now();
    await a.bus.nc.close();
    // a can publish nothing more, and b cannot lead before the lease expires: these are a's fires.
    const byA = [...(await slotsOf(bus, "tick")).keys()].sort();
    const since = await leaderSince(b);
    const handoverMs = since.getTime() - crashedAt;
    await waitFor(
      async () =>
        [...(await slotsOf(bus, "tick")).keys()].filter((s) => Date.parse(s) > since.getTime())
          .length >= 2,
      { message: "fires by b" },
    );
    await stop(b);
    const slots = await slotsOf(bus, "tick");
    expect([...slots.values()].every((n) => n === 1)).toBe(true);
    const fired = [...slots.keys()].sort();
    const first = new Date(fired[0]!);
    const last = new Date(fired[fired.length - 1]!);
    const all = [first.toISOString(), ...secondsBetween(first, last), last.toISOString()];
    const missing = all.filter((s) => !slots.has(s));
    // Every slot is either fired once or counted as missed: nothing vanished silently.
    expect(missing.length).toBe((await stateOf(bus, "tick"))?.skips.missed ?? 0);
    // run-once: the slots that came due while nobody led collapsed into one fire.
    const late = secondsBetween(new Date(byA[byA.length - 1]!), since);
    expect(late.length).toBeGreaterThanOrEqual(1);
    expect(late.filter((s) => slots.has(s))).toEqual([late[late.length - 1]]);
    expect(missing).toEqual(late.slice(0, -1));
    expect(handoverMs).toBeLessThanOrEqual(LEASE_TTL_MS + POLL_MS + 500);
    console.info(
      `crash hand-over: ${handoverMs} ms (lease TTL ${LEASE_TTL_MS} ms), late slots ${late.length}, missing ${missing.length}`,
    );
  }, 30_000);
});

describe("scheduler: missed-run policy after downtime", () => {
  async function downAcrossThreeFires(missed: "skip" | "run-once") {
    const a = await scheduler("a", { tick: everySecond({ missed, grace: "0s" }) });
    await waitFor(async () => (await slotsOf(bus, "tick")).size >= 2, { message: "2 fires" });
    await stop(a);
    const cursor = new Date((await stateOf(bus, "tick"))!.cursor);
    await clockPast(cursor.getTime() + 3_300, "three slots to pass");
    const b = await scheduler("b", { tick: everySecond({ missed, grace: "0s" }) });
    const since = await leaderSince(b);
    await waitFor(
      async () =>
        [...(await slotsOf(bus, "tick")).keys()].some((s) => Date.parse(s) >= since.getTime()),
      { message: "a fire after the restart" },
    );
    await stop(b);
    const down = secondsBetween(cursor, since);
    const slots = await slotsOf(bus, "tick");
    return { down, slots, state: (await stateOf(bus, "tick"))! };
  }

  it("skip: none of the fires missed while down", async () => {
    const { down, slots, state } = await downAcrossThreeFires("skip");
    expect(down.length).toBeGreaterThanOrEqual(3);
    expect(down.filter((s) => slots.has(s))).toEqual([]);
    expect(state.skips.missed).toBe(down.length);
    expect([...slots.values()].every((n) => n === 1)).toBe(true);
  }, 30_000);

  it("run-once: exactly one fire for all missed while down, the latest", async () => {
    const { down, slots, state } = await downAcrossThreeFires("run-once");
    expect(down.length).toBeGreaterThanOrEqual(3);
    expect(down.filter((s) => slots.has(s))).toEqual([down[down.length - 1]]);
    expect(state.skips.missed).toBe(down.length - 1);
    expect([...slots.values()].every((n) => n === 1)).toBe(true);
  }, 30_000);
});

describe("scheduler: gates, pause, jitter", () => {
  it("a failing gate publishes nothing and the skips are counted in /status and /metrics", async () => {
    const gh = await startFakeGithub({
      token: "ghp_x",
      repos: { "acme/web": [{ number: 7, title: "todo", labels: ["agent"] }] },
    });
    try {
      const svc = await scheduler(
        "a",
        {
          closed: everySecond({ gate: { type: "command", command: "exit 1" } }),
          "no-issues": everySecond({
            gate: { type: "github-issues", repo: "acme/web", label: "none" },
          }),
          "has-issues": everySecond({
            gate: { type: "github-issues", repo: "acme/web", label: "agent" },
          }),
        },
        { PATH: process.env["PATH"], GITHUB_API_URL: gh.url },
      );
      await waitFor(
        async () => {
          const s = await statusOf(svc);
          const skips = (n: string) => s.schedules.find((x) => x.name === n)?.skips["gate"] ?? 0;
          return skips("closed") >= 3 && skips("no-issues") >= 3;
        },
        { message: "three gate skips each", timeoutMs: 15_000 },
      );
      expect((await slotsOf(bus, "closed")).size).toBe(0);
      expect((await slotsOf(bus, "no-issues")).size).toBe(0);
      expect((await slotsOf(bus, "has-issues")).size).toBeGreaterThanOrEqual(2);
      const metrics = await (await svc.app.request("/metrics")).text();
      expect(metrics).toMatch(
        /nightshift_schedule_skips_total\{schedule="closed",reason="gate"[^}]*\} [3-9]/,
      );
      const state = await stateOf(bus, "no-issues");
      expect(state?.last).toMatchObject({
        outcome: "skipped",
        reason: "gate",
        detail: 'no open issues labelled "none" in acme/web',
      });
      expect(gh.requests.some((r) => r.path.includes("labels=agent"))).toBe(true);
    } finally {
      await gh.close();
    }
  }, 30_000);

  it("pause and resume, per schedule and for all, survive a restart", async () => {
    const schedules = { one: everySecond(), two: everySecond() };
    let svc = await scheduler("a", schedules);
    await pauseScheduling(bus, { schedule: "one", by: "test" });
    const pausedFrom = Date.now();
    await waitFor(async () => ((await stateOf(bus, "one"))?.skips.paused ?? 0) >= 2, {
      message: "paused skips",
    });
    await stop(svc);
    svc = await scheduler("b", schedules);
    const skipsBefore = (await stateOf(bus, "one"))!.skips.paused!;
    await waitFor(async () => ((await stateOf(bus, "one"))?.skips.paused ?? 0) >= skipsBefore + 2, {
      message: "still paused after the restart",
    });
    const st = await statusOf(svc);
    expect(st.schedules.find((s) => s.name === "one")?.paused).toMatchObject({ scope: "schedule" });
    const oneWhilePaused = [...(await slotsOf(bus, "one")).keys()].filter(
      (s) => Date.parse(s) > pausedFrom + 1000,
    );
    expect(oneWhilePaused).toEqual([]);
    expect((await slotsOf(bus, "two")).size).toBeGreaterThanOrEqual(3);

    await pauseScheduling(bus, { by: "test" });
    const allPausedFrom = Date.now();
    await waitFor(async () => ((await stateOf(bus, "two"))?.skips.paused ?? 0) >= 2, {
      message: "all paused",
    });
    expect(
      [...(await slotsOf(bus, "two")).keys()].filter((s) => Date.parse(s) > allPausedFrom + 1000),
    ).toEqual([]);

    expect(await resumeScheduling(bus, {})).toBe(true);
    expect(await resumeScheduling(bus, { schedule: "one" })).toBe(true);
    expect(await resumeScheduling(bus, { schedule: "one" })).toBe(false);
    const resumedAt = Date.now();
    await waitFor(
      async () =>
        [...(await slotsOf(bus, "one")).keys()].some((s) => Date.parse(s) > resumedAt) &&
        [...(await slotsOf(bus, "two")).keys()].some((s) => Date.parse(s) > resumedAt),
      { message: "fires after resume" },
    );
  }, 40_000);

  it("delays each fire by its jitter, skips a disabled schedule, and reports next fire times", async () => {
    const svc = await scheduler("a", {
      spread: { cron: "*/2 * * * * *", jitter: "900ms", task: { prompt: "spread" } },
      off: everySecond({ enabled: false }),
      berlin: { cron: "0 2 * * *", timezone: "Europe/Berlin", task: { prompt: "nightly" } },
    });
    await waitFor(async () => (await slotsOf(bus, "spread")).size >= 3, {
      message: "3 jittered fires",
      timeoutMs: 15_000,
    });
    for (const slot of (await slotsOf(bus, "spread")).keys()) {
      const rec = (await bus.tasks.get(scheduleTaskId("spread", new Date(slot))))!.record;
      const delay = Date.parse(rec.createdAt) - Date.parse(slot);
      expect(delay).toBeGreaterThanOrEqual(jitterMs("spread", new Date(slot), 900));
    }
    expect((await slotsOf(bus, "off")).size).toBe(0);
    expect((await stateOf(bus, "off"))?.skips.disabled).toBeGreaterThanOrEqual(2);
    const berlin = (await statusOf(svc)).schedules.find((s) => s.name === "berlin")!;
    expect(berlin.next).toHaveLength(3);
    for (const t of berlin.next) {
      const local = new Intl.DateTimeFormat("en-GB", {
        timeZone: "Europe/Berlin",
        hour: "2-digit",
        minute: "2-digit",
      }).format(new Date(t));
      expect(["02:00", "03:00"]).toContain(local);
    }
  }, 30_000);
});
