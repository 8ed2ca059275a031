import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { submitTask } from "@nightshift/client";
import type { Bus, NatsConnection } from "@nightshift/messaging";
import { startWorker } from "./processes.ts";
import type { RunResult } from "./result.ts";

const CLI = fileURLToPath(new URL("../../cli/dist/main.js", import.meta.url));

/** submit → `nightshift service executor` (its own process) → command backend `true` → succeeded. */
export async function runNightshift(
  nc: NatsConnection,
  bus: Bus,
  url: string,
  slots: number,
  samples: number,
  burst: number,
): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), "ns-bench-"));
  const config = join(dir, "nightshift.yml");
  writeFileSync(
    config,
    JSON.stringify({
      http: { port: 0 },
      log: { level: "info" },
      executor: { slots, workspaces: join(dir, "ws") },
      backends: { true: { type: "command", argv: ["true"] } },
    }),
  );
  const worker = await startWorker(
    [CLI, "--config", config, "service", "executor"],
    { NATS_URL: url, LOG_LEVEL: "info" },
    /"msg":"ready"/,
  );
  const dispatch = new Map<string, number>();
  const done = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const dec = new TextDecoder();
  const agent = nc.subscribe("events.task.*.agent", {
    callback: (_e, m) => {
      const e = JSON.parse(dec.decode(m.data)) as {
        taskId: string;
        phase: string;
        dispatchMs?: number;
      };
      if (e.phase === "spawned" && e.dispatchMs !== undefined) dispatch.set(e.taskId, e.dispatchMs);
    },
  });
  const state = nc.subscribe("events.task.*.state", {
    callback: (_e, m) => {
      const e = JSON.parse(dec.decode(m.data)) as { taskId: string; state: string };
      if (e.state === "succeeded" || e.state === "failed") {
        done.set(e.taskId, performance.now());
        waiters.get(e.taskId)?.();
      }
    },
  });
  const until = (id: string): Promise<void> =>
    done.has(id) ? Promise.resolve() : new Promise((resolve) => waiters.set(id, resolve));
  try {
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      const { task } = await submitTask(bus, { prompt: "true", backend: "true" });
      await until(task.id);
      const d = dispatch.get(task.id);
      if (d !== undefined) latencies.push(d);
    }
    const t0 = performance.now();
    const ids: string[] = [];
    const inFlight = new Set<Promise<void>>();
    for (let i = 0; i < burst; i++) {
      const p = submitTask(bus, { prompt: "true", backend: "true" }).then(
        ({ task }) => void ids.push(task.id),
      );
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      if (inFlight.size >= 64) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    await Promise.all(ids.map(until));
    const seconds = (Math.max(...ids.map((id) => done.get(id) ?? 0)) - t0) / 1000;
    return { latencies, throughput: burst / seconds };
  } finally {
    agent.unsubscribe();
    state.unsubscribe();
    await worker.stop();
  }
}
