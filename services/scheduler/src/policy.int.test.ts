import { describe, expect, it } from "vitest";
import { pauseScheduling, resumeScheduling } from "@nightshift/client";
import { waitFor } from "@nightshift/testkit";
import { secondsBetween, slotsOf, stateOf, statusOf } from "./fixture.int.ts";
import { startFakeGithub } from "./gates/github-fake.int.ts";
import { clockPast, everySecond, leaderSince, schedulerHarness } from "./harness.int.ts";
import { jitterMs } from "./schedule-clock.ts";
import { scheduleTaskId } from "./schedule-task.ts";

const { bus: getBus, scheduler, stop } = schedulerHarness();

describe("scheduler: missed-run policy after downtime", () => {
  async function downAcrossThreeFires(missed: "skip" | "run-once") {
    const a = await scheduler("a", { tick: everySecond({ missed, grace: "0s" }) });
    await waitFor(async () => (await slotsOf(getBus(), "tick")).size >= 2, { message: "2 fires" });
    await stop(a);
    const cursor = new Date((await stateOf(getBus(), "tick"))!.cursor);
    await clockPast(cursor.getTime() + 3_300, "three slots to pass");
    const b = await scheduler("b", { tick: everySecond({ missed, grace: "0s" }) });
    const since = await leaderSince(b);
    await waitFor(
      async () =>
        [...(await slotsOf(getBus(), "tick")).keys()].some((s) => Date.parse(s) >= since.getTime()),
      { message: "a fire after the restart" },
    );
    await stop(b);
    const down = secondsBetween(cursor, since);
    const slots = await slotsOf(getBus(), "tick");
    return { down, slots, state: (await stateOf(getBus(), "tick"))! };
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
      expect((await slotsOf(getBus(), "closed")).size).toBe(0);
      expect((await slotsOf(getBus(), "no-issues")).size).toBe(0);
      expect((await slotsOf(getBus(), "has-issues")).size).toBeGreaterThanOrEqual(2);
      const metrics = await (await svc.app.request("/metrics")).text();
      expect(metrics).toMatch(
        /nightshift_schedule_skips_total\{schedule="closed",reason="gate"[^}]*\} [3-9]/,
      );
      const state = await stateOf(getBus(), "no-issues");
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
    await pauseScheduling(getBus(), { schedule: "one", by: "test" });
    const pausedFrom = Date.now();
    await waitFor(async () => ((await stateOf(getBus(), "one"))?.skips.paused ?? 0) >= 2, {
      message: "paused skips",
    });
    await stop(svc);
    svc = await scheduler("b", schedules);
    const skipsBefore = (await stateOf(getBus(), "one"))!.skips.paused!;
    await waitFor(
      async () => ((await stateOf(getBus(), "one"))?.skips.paused ?? 0) >= skipsBefore + 2,
      {
        message: "still paused after the restart",
      },
    );
    const st = await statusOf(svc);
    expect(st.schedules.find((s) => s.name === "one")?.paused).toMatchObject({ scope: "schedule" });
    const oneWhilePaused = [...(await slotsOf(getBus(), "one")).keys()].filter(
      (s) => Date.parse(s) > pausedFrom + 1000,
    );
    expect(oneWhilePaused).toEqual([]);
    expect((await slotsOf(getBus(), "two")).size).toBeGreaterThanOrEqual(3);

    await pauseScheduling(getBus(), { by: "test" });
    const allPausedFrom = Date.now();
    await waitFor(async () => ((await stateOf(getBus(), "two"))?.skips.paused ?? 0) >= 2, {
      message: "all paused",
    });
    expect(
      [...(await slotsOf(getBus(), "two")).keys()].filter(
        (s) => Date.parse(s) > allPausedFrom + 1000,
      ),
    ).toEqual([]);

    expect(await resumeScheduling(getBus(), {})).toBe(true);
    expect(await resumeScheduling(getBus(), { schedule: "one" })).toBe(true);
    expect(await resumeScheduling(getBus(), { schedule: "one" })).toBe(false);
    const resumedAt = Date.now();
    await waitFor(
      async () =>
        [...(await slotsOf(getBus(), "one")).keys()].some((s) => Date.parse(s) > resumedAt) &&
        [...(await slotsOf(getBus(), "two")).keys()].some((s) => Date.parse(s) > resumedAt),
      { message: "fires after resume" },
    );
  }, 40_000);

  it("delays each fire by its jitter, skips a disabled schedule, and reports next fire times", async () => {
    const svc = await scheduler("a", {
      spread: { cron: "*/2 * * * * *", jitter: "900ms", task: { prompt: "spread" } },
      off: everySecond({ enabled: false }),
      berlin: { cron: "0 2 * * *", timezone: "Europe/Berlin", task: { prompt: "nightly" } },
    });
    await waitFor(async () => (await slotsOf(getBus(), "spread")).size >= 3, {
      message: "3 jittered fires",
      timeoutMs: 15_000,
    });
    for (const slot of (await slotsOf(getBus(), "spread")).keys()) {
      const rec = (await getBus().tasks.get(scheduleTaskId("spread", new Date(slot))))!.record;
      const delay = Date.parse(rec.createdAt) - Date.parse(slot);
      expect(delay).toBeGreaterThanOrEqual(jitterMs("spread", new Date(slot), 900));
    }
    expect((await slotsOf(getBus(), "off")).size).toBe(0);
    expect((await stateOf(getBus(), "off"))?.skips.disabled).toBeGreaterThanOrEqual(2);
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
