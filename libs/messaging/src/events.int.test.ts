import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Streams, Subjects } from "@nightshift/contracts";
import { eventPublisher } from "./events.ts";
import { busFixture, type BusFixture } from "./fixture.int.ts";

let fx: BusFixture;

beforeAll(async () => {
  fx = await busFixture();
});
afterAll(async () => {
  await fx.close();
});

async function stored(taskId: string): Promise<{ type: string; message?: string; at: string }[]> {
  const c = await fx.bus.js.consumers.get(Streams.events, {
    filter_subjects: [Subjects.eventsOf(taskId)],
  });
  const out: { type: string; message?: string; at: string }[] = [];
  const info = await c.info();
  for (let i = 0; i < info.num_pending; i++) {
    const m = await c.next({ expires: 2_000 });
    if (m) out.push(m.json());
  }
  return out;
}

describe("task events", () => {
  it("publishes a held event first, with the time it was held, and nothing twice", async () => {
    const events = eventPublisher(fx.bus.js, "held-task", 1);
    events.defer({ type: "log", level: "info", message: "first" });
    const heldAt = Date.now();
    await new Promise((r) => setTimeout(r, 20));
    expect(await stored("held-task")).toEqual([]);
    events.emit({ type: "log", level: "info", message: "second" });
    events.release(); // nothing held any more
    events.defer({ type: "log", level: "info", message: "third" });
    events.release();
    events.defer({ type: "log", level: "info", message: "fourth" });
    await events.flush();
    const got = await stored("held-task");
    expect(got.map((e) => e.message)).toEqual(["first", "second", "third", "fourth"]);
    expect(Date.parse(got[0]!.at)).toBeLessThanOrEqual(heldAt);
    expect(Date.parse(got[1]!.at) - Date.parse(got[0]!.at)).toBeGreaterThanOrEqual(15);
  });
});
