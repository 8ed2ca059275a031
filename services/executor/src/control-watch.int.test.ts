import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@nightshift/config";
import { Keys } from "@nightshift/contracts";
import {
  connectNats,
  openBus,
  provision,
  type Bus,
  type NatsConnection,
} from "@nightshift/messaging";
import { startTestNats, waitFor, type TestNats } from "@nightshift/testkit";
import { startControlWatch, type ControlWatch } from "./control-watch.ts";
import { tripBreaker } from "./rate-limit-breaker.ts";

let nats: TestNats;
let nc: NatsConnection;
let bus: Bus;

/** A connection to a provisioned server and the bus on it. */
async function openTestBus(url: string): Promise<{ nc: NatsConnection; bus: Bus }> {
  const c = await connectNats({ servers: url, name: "control-watch-test" });
  await provision(c, parseConfig({}, {}).config.nats);
  return { nc: c, bus: await openBus(c) };
}

beforeAll(async () => {
  nats = await startTestNats();
  ({ nc, bus } = await openTestBus(nats.url));
});
afterAll(async () => {
  await nc.close();
  await nats.dispose();
});

const cancel = (id: string, by = "cli"): Promise<number> =>
  bus.kv.control.put(Keys.cancel(id), JSON.stringify({ at: new Date().toISOString(), by }));

async function watch(): Promise<ControlWatch> {
  return startControlWatch(bus.js, bus.kv.control, (err) => {
    throw err;
  });
}

describe("control watch", () => {
  it("holds flags and breakers written before it started, and sees later ones", async () => {
    const prefix = `t${Date.now()}`;
    // more flags than one delivery batch, so readiness must wait for all of them
    await Promise.all(Array.from({ length: 300 }, (_, i) => cancel(`${prefix}-old${i}`)));
    await tripBreaker(bus.kv.control, `${prefix}-acct`, new Date(Date.now() + 60_000), "test");
    await tripBreaker(bus.kv.control, `${prefix}-past`, new Date(Date.now() - 1_000), "test");
    const w = await watch();
    try {
      // answered from memory: every flag written before start is there at once, and no
      // request goes to the server for them
      const sent = nc.stats().outMsgs;
      for (let i = 0; i < 300; i++) expect(await w.check(`${prefix}-old${i}`)).toBeDefined();
      expect(await w.check(`${prefix}-never`)).toBeUndefined();
      expect((await w.breaker(`${prefix}-acct`))?.source).toBe("test");
      expect(await w.breaker(`${prefix}-past`)).toBeUndefined();
      expect(await w.breaker(`${prefix}-none`)).toBeUndefined();
      expect(nc.stats().outMsgs).toBe(sent);

      // a flag already there reaches a listener registered later
      const early: string[] = [];
      const off = w.on(`${prefix}-old7`, (r) => early.push(r.by));
      await waitFor(() => early.length === 1, { timeoutMs: 2_000, message: "listener" });
      off();

      // a flag written while the task runs reaches its listener
      const seen: string[] = [];
      w.on(`${prefix}-new`, (r) => seen.push(r.by));
      await cancel(`${prefix}-new`, "alice");
      await waitFor(() => seen[0] === "alice", { timeoutMs: 5_000, message: "new flag" });
      expect((await w.check(`${prefix}-new`))?.by).toBe("alice");

      // a breaker tripped later, and a flag removed later
      await tripBreaker(bus.kv.control, `${prefix}-later`, new Date(Date.now() + 60_000), "429");
      await waitFor(async () => (await w.breaker(`${prefix}-later`))?.source === "429", {
        timeoutMs: 5_000,
        message: "later breaker",
      });
      await bus.kv.control.delete(Keys.cancel(`${prefix}-old3`));
      await waitFor(async () => (await w.check(`${prefix}-old3`)) === undefined, {
        timeoutMs: 5_000,
        message: "removed flag",
      });
      // a malformed flag still cancels
      await bus.kv.control.put(Keys.cancel(`${prefix}-junk`), "not json");
      await waitFor(async () => (await w.check(`${prefix}-junk`))?.by === "unknown", {
        timeoutMs: 5_000,
        message: "malformed flag",
      });
    } finally {
      w.stop();
    }
  });

  it("reads the bucket itself once the watch has stopped", async () => {
    const w = await watch();
    w.stop();
    const id = `after-stop-${Date.now()}`;
    await cancel(id, "bob");
    expect((await w.check(id))?.by).toBe("bob");
    await tripBreaker(bus.kv.control, id, new Date(Date.now() + 60_000), "later");
    expect((await w.breaker(id))?.source).toBe("later");
  });

  it("is ready at once on an empty bucket", async () => {
    const other = await startTestNats();
    const { nc: c, bus: b } = await openTestBus(other.url);
    try {
      const t0 = performance.now();
      const w = await startControlWatch(b.js, b.kv.control, () => undefined);
      expect(performance.now() - t0).toBeLessThan(2_000);
      expect(await w.check("x")).toBeUndefined();
      const seen: string[] = [];
      w.on("x", (r) => seen.push(r.by));
      await b.kv.control.put(
        Keys.cancel("x"),
        JSON.stringify({ at: new Date().toISOString(), by: "c" }),
      );
      await waitFor(() => seen.length === 1, { timeoutMs: 5_000, message: "flag on empty bucket" });
      w.stop();
    } finally {
      await c.close();
      await other.dispose();
    }
  });
});
