import { EventEmitter } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { submitTask } from "@nightshift/client";
import { executorService } from "@nightshift/executor";
import { hostServices } from "@nightshift/host";
import { connectNats, openBus, type Bus, type NatsConnection } from "@nightshift/messaging";
import { startTestNats, waitFor, type TestNats } from "@nightshift/testkit";

let nats: TestNats;
let nc: NatsConnection;
let bus: Bus;
beforeAll(async () => {
  nats = await startTestNats();
});
afterAll(async () => {
  await nc.close();
  await nats.dispose();
});

describe("executor drain on shutdown", () => {
  it("lets a running task finish for executor.drainTimeout, then stops it and puts it back in the queue", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ns-drain-"));
    const cfg = join(dir, "nightshift.yml");
    writeFileSync(
      cfg,
      JSON.stringify({
        http: { port: 0 },
        log: { level: "silent" },
        executor: {
          slots: 1,
          workspaces: join(dir, "ws"),
          drainTimeout: "1500ms",
          killGrace: "300ms",
        },
        backends: { shell: { type: "command", argv: ["sh", "-c", "{prompt}"] } },
      }),
    );
    const proc = new EventEmitter();
    const exit = hostServices([executorService({ env: process.env })], {
      name: "executor",
      env: { NATS_URL: nats.url },
      configPath: cfg,
      proc: proc as unknown as Pick<NodeJS.Process, "on" | "off">,
    });
    nc = await connectNats({ servers: nats.url, name: "client" });
    bus = await waitFor(() => openBus(nc).catch(() => undefined), {
      message: "streams provisioned",
    });
    const { task } = await submitTask(bus, { prompt: "echo started; sleep 30", backend: "shell" });
    await waitFor(async () => (await bus.tasks.get(task.id))?.record.state === "running", {
      message: "task running",
    });
    const t0 = Date.now();
    proc.emit("SIGTERM", "SIGTERM");
    expect(await exit).toBe(143);
    const took = Date.now() - t0;
    // drained for drainTimeout + killGrace (+ the margin), not the old fixed 60 s
    expect(took).toBeGreaterThanOrEqual(1500);
    expect(took).toBeLessThan(20_000);
    const rec = (await bus.tasks.get(task.id))?.record;
    expect(rec?.state).toBe("queued");
    expect(rec?.reason).toBe("interrupted");
  });
});
