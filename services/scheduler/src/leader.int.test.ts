import { describe, expect, it } from "vitest";
import { waitFor } from "@nightshift/testkit";
import { LEASE_TTL_MS, POLL_MS, secondsBetween, slotsOf, stateOf } from "./fixture.int.ts";
import { consecutive, everySecond, fires, leaderSince, schedulerHarness } from "./harness.int.ts";
import { scheduleTaskId } from "./schedule-task.ts";

const { bus: getBus, scheduler, stop } = schedulerHarness();

describe("scheduler: exactly one run per fire", () => {
  it("two replicas fire each slot exactly once over 20 fires", async () => {
    const a = await scheduler("a", { tick: everySecond({ missed: "run-once" }) });
    const b = await scheduler("b", { tick: everySecond({ missed: "run-once" }) });
    await waitFor(async () => (await slotsOf(getBus(), "tick")).size >= 20, {
      timeoutMs: 40_000,
      message: "20 fires",
    });
    const publishedBy = await Promise.all([fires(a, "published"), fires(b, "published")]);
    const duplicates = await Promise.all([fires(a, "duplicate"), fires(b, "duplicate")]);
    await Promise.all([stop(a), stop(b)]);

    const slots = await slotsOf(getBus(), "tick");
    expect(slots.size).toBeGreaterThanOrEqual(20);
    expect([...slots.values()].every((n) => n === 1)).toBe(true);
    expect(consecutive([...slots.keys()])).toBe(true);
    // One replica did all the firing; the other never even tried a slot.
    expect([...publishedBy].sort((x, y) => x - y)).toEqual([0, slots.size]);
    expect(duplicates).toEqual([0, 0]);
    const delays: number[] = [];
    for (const slot of slots.keys()) {
      const r = await getBus().tasks.get(scheduleTaskId("tick", new Date(slot)));
      expect(r?.record.task.source.ref).toBe(`sched:tick:${slot}`);
      delays.push(Date.parse(r!.record.createdAt) - Date.parse(slot));
    }
    delays.sort((x, y) => x - y);
    console.info(
      `${slots.size} fires by ${publishedBy.join("/")}; slot to publish: median ${delays[delays.length >> 1]} ms, max ${delays[delays.length - 1]} ms`,
    );
  }, 60_000);

  it("a stopped leader hands over at once, without a double or a missed fire", async () => {
    const a = await scheduler("a", { tick: everySecond() });
    await leaderSince(a);
    const b = await scheduler("b", { tick: everySecond() });
    await waitFor(async () => (await slotsOf(getBus(), "tick")).size >= 3, {
      message: "3 fires by a",
    });
    const stoppedAt = Date.now();
    await stop(a);
    const since = await leaderSince(b);
    const handoverMs = since.getTime() - stoppedAt;
    await waitFor(
      async () =>
        [...(await slotsOf(getBus(), "tick")).keys()].filter((s) => Date.parse(s) > since.getTime())
          .length >= 3,
      { message: "3 fires by b" },
    );
    await stop(b);
    const slots = await slotsOf(getBus(), "tick");
    expect([...slots.values()].every((n) => n === 1)).toBe(true);
    // The late slot of the hand-over (if any) is within the default 5 min grace: fired, not lost.
    expect(consecutive([...slots.keys()])).toBe(true);
    expect((await stateOf(getBus(), "tick"))?.skips.missed ?? 0).toBe(0);
    expect(handoverMs).toBeLessThan(POLL_MS + 1_000);
    console.info(`graceful hand-over: ${handoverMs} ms`);
  }, 30_000);

  it("a crashed leader is replaced within the lease TTL; its late slots follow the policy", async () => {
    const a = await scheduler("a", { tick: everySecond({ missed: "run-once" }) });
    await leaderSince(a);
    const b = await scheduler("b", { tick: everySecond({ missed: "run-once" }) });
    await waitFor(async () => (await slotsOf(getBus(), "tick")).size >= 3, {
      message: "3 fires by a",
    });
    // kill -9: the connection goes, the lease is neither renewed nor released.
    const crashedAt = Date.now();
    await a.bus.nc.close();
    // a can publish nothing more, and b cannot lead before the lease expires: these are a's fires.
    const byA = [...(await slotsOf(getBus(), "tick")).keys()].sort();
    const since = await leaderSince(b);
    const handoverMs = since.getTime() - crashedAt;
    await waitFor(
      async () =>
        [...(await slotsOf(getBus(), "tick")).keys()].filter((s) => Date.parse(s) > since.getTime())
          .length >= 2,
      { message: "fires by b" },
    );
    await stop(b);
    const slots = await slotsOf(getBus(), "tick");
    expect([...slots.values()].every((n) => n === 1)).toBe(true);
    const fired = [...slots.keys()].sort();
    const first = new Date(fired[0]!);
    const last = new Date(fired[fired.length - 1]!);
    const all = [first.toISOString(), ...secondsBetween(first, last), last.toISOString()];
    const missing = all.filter((s) => !slots.has(s));
    // Every slot is either fired once or counted as missed: nothing vanished silently.
    expect(missing.length).toBe((await stateOf(getBus(), "tick"))?.skips.missed ?? 0);
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
