import { EventEmitter } from "node:events";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createHealthApp } from "./health.ts";
import { Lifecycle } from "./lifecycle.ts";
import { createLogger, redactText } from "./logger.ts";
import { createRegistry } from "./metrics.ts";
import { Releasers } from "./releasers.ts";
import { runMain } from "./run-main.ts";

function fakeProcess() {
  const e = new EventEmitter();
  return {
    on: e.on.bind(e),
    off: e.off.bind(e),
    emit: (s: string) => e.emit(s, s),
  } as unknown as Pick<NodeJS.Process, "on" | "off"> & { emit: (s: string) => void };
}

describe("runMain", () => {
  it("drains on the first signal, forces on the second, releases LIFO and exits 128+signo", async () => {
    const proc = fakeProcess();
    const order: string[] = [];
    const code = await runMain(
      async ({ stop, force, releasers, lifecycle }) => {
        releasers.push("first", () => order.push("first"));
        releasers.push("second", () => order.push("second"));
        lifecycle.set("running");
        setImmediate(() => proc.emit("SIGTERM"));
        await new Promise((r) => stop.addEventListener("abort", r));
        order.push(`draining:${lifecycle.state}`);
        setImmediate(() => proc.emit("SIGTERM"));
        await new Promise((r) => force.addEventListener("abort", r));
        order.push("forced");
      },
      { graceMs: 60_000, log: () => undefined, proc },
    );
    expect(order).toEqual(["draining:draining", "forced", "second", "first"]);
    expect(code).toBe(128 + 15);
  });

  it("forces after the grace time", async () => {
    const proc = fakeProcess();
    const code = await runMain(
      async ({ force }) => {
        setImmediate(() => proc.emit("SIGINT"));
        await new Promise((r) => force.addEventListener("abort", r));
      },
      { graceMs: 50, log: () => undefined, proc },
    );
    expect(code).toBe(130);
  });

  it("exits 1 when start-up fails and still releases what it acquired", async () => {
    const released: string[] = [];
    const code = await runMain(
      ({ releasers }) => {
        releasers.push("nats", () => released.push("nats"));
        return Promise.reject(new Error("boom"));
      },
      { graceMs: 50, log: () => undefined, proc: fakeProcess() },
    );
    expect(code).toBe(1);
    expect(released).toEqual(["nats"]);
  });

  it("keeps releasing when one releaser fails", async () => {
    const r = new Releasers();
    const seen: string[] = [];
    r.push("a", () => seen.push("a"));
    r.push("b", () => {
      throw new Error("b failed");
    });
    const errors: string[] = [];
    await r.releaseAll((name, err) => errors.push(`${name}:${err.message}`));
    expect(seen).toEqual(["a"]);
    expect(errors).toEqual(["b:b failed"]);
  });
});

describe("logger", () => {
  it("removes secret values and token shapes from every record", () => {
    const lines: string[] = [];
    const dest = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const log = createLogger({
      level: "info",
      format: "json",
      base: { service: "t" },
      secrets: ["hunter22"],
      destination: dest,
    });
    log.info(
      { token: "abc", nested: { password: "p" }, err: new Error("auth hunter22 failed") },
      "using ghp_abcdefghijklmnopqrstuvwx1234",
    );
    const text = lines.join("");
    expect(text).not.toContain("hunter22");
    expect(text).not.toContain("ghp_abcdefghijklmnopqrstuvwx1234");
    expect(text).not.toContain('"abc"');
    expect(text).toContain("[REDACTED]");
    expect(redactText("key sk-ant-api03-aaaaaaaaaaaaaaaaaaaaaaaa end", [])).toBe(
      "key [REDACTED] end",
    );
  });
});

describe("health app", () => {
  it("answers livez, readyz by lifecycle and components, status and metrics", async () => {
    const lifecycle = new Lifecycle();
    let natsReady: boolean | string = "disconnected";
    const app = createHealthApp({
      name: "test",
      lifecycle,
      registry: createRegistry({ service: "test" }),
      components: () => [
        { name: "nats", ready: () => natsReady, status: () => ({ url: "nats://x" }) },
      ],
    });
    expect((await app.request("/livez")).status).toBe(200);
    let r = await app.request("/readyz");
    expect(r.status).toBe(503);
    expect(await r.json()).toEqual({
      ready: false,
      checks: { lifecycle: "starting", nats: "disconnected" },
    });
    lifecycle.set("running");
    natsReady = true;
    r = await app.request("/readyz");
    expect(r.status).toBe(200);
    const status = (await (await app.request("/status")).json()) as {
      state: string;
      components: unknown;
    };
    expect(status.state).toBe("running");
    expect(status.components).toEqual({ nats: { url: "nats://x" } });
    const metrics = await (await app.request("/metrics")).text();
    expect(metrics).toContain("nightshift_process_resident_memory_bytes");
  });

  it("serves routes that services mount after it has answered requests", async () => {
    const app = createHealthApp({
      name: "test",
      lifecycle: new Lifecycle(),
      registry: createRegistry(),
      components: () => [],
    });
    expect((await app.request("/livez")).status).toBe(200);
    expect((await app.request("/late")).status).toBe(404);
    app.get("/late", (c) => c.text("mounted late"));
    expect(await (await app.request("/late")).text()).toBe("mounted late");
  });
});
