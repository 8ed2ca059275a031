import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { submitTask } from "@nightshift/client";
import type { Bus, NatsConnection } from "@nightshift/messaging";
import { startWorker } from "./processes.ts";
import { poolRuns, type RunResult } from "./result.ts";
import { sampleMax, treeRssMb } from "./rss.ts";

export const CLI = fileURLToPath(new URL("../../cli/dist/main.js", import.meta.url));

export interface NightshiftRunOptions {
  slots: number;
  samples: number;
  /** Tasks run one after the other before the `samples`, not measured. */
  warmup?: number;
  burst: number;
  /** Repositories the burst's tasks go to, round robin; none: tasks without a repository. */
  repos?: readonly string[];
  /** `executor.busyDelay`; the default config's when undefined. */
  busyDelay?: string;
  /** `sandbox.driver`: `none` (the default here, like for like with the other workers) or `auto`. */
  sandbox?: "none" | "auto";
}

export interface NightshiftRun extends RunResult {
  /** Deliveries put back because their repository was leased (the executor's counter). */
  leaseBusy: number;
  /** Mean time of the burst's tasks from `running` to `succeeded` (their own events), in ms. */
  meanTaskMs: number;
}

/** Rounds of the same nightshift run pooled (see `poolRuns`). */
export function poolNightshift(runs: readonly NightshiftRun[]): NightshiftRun {
  return {
    ...poolRuns(runs),
    leaseBusy: runs.reduce((s, r) => s + r.leaseBusy, 0),
    meanTaskMs: runs.reduce((s, r) => s + r.meanTaskMs, 0) / Math.max(1, runs.length),
  };
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(url)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return Number(line?.split(" ").pop() ?? 0);
}

/** submit → `nightshift service executor` (its own process) → command backend `true` → succeeded. */
export async function runNightshift(
  nc: NatsConnection,
  bus: Bus,
  url: string,
  o: NightshiftRunOptions,
): Promise<NightshiftRun> {
  const dir = mkdtempSync(join(tmpdir(), "ns-bench-"));
  // Agents run as an unprivileged uid when the executor is root: they must reach the workspaces.
  chmodSync(dir, 0o755);
  const config = join(dir, "nightshift.yml");
  writeFileSync(
    config,
    JSON.stringify({
      http: { port: 0 },
      log: { level: "info" },
      executor: {
        slots: o.slots,
        workspaces: join(dir, "ws"),
        ...(o.busyDelay !== undefined ? { busyDelay: o.busyDelay } : {}),
      },
      // Tasks on a repository must change it (an agent that changes nothing is a NOOP, a
      // failure): each writes its id to a file, which is committed and pushed.
      backends: {
        true: {
          type: "command",
          argv:
            o.repos === undefined
              ? ["true"]
              : ["sh", "-c", 'echo "$NIGHTSHIFT_TASK_ID" > bench.txt'],
        },
      },
      sandbox: { driver: o.sandbox ?? "none" },
    }),
  );
  let out = "";
  const worker = await startWorker(
    [CLI, "--config", config, "service", "executor"],
    { NATS_URL: url, LOG_LEVEL: "info" },
    /"msg":"ready"/,
    (text) => (out = text),
  );
  const port = /"msg":"health endpoints listening"/.test(out)
    ? Number(/"port":(\d+)[^\n]*"msg":"health endpoints listening"/.exec(out)?.[1])
    : 0;
  const metricsUrl = `http://127.0.0.1:${port}/metrics`;
  const dispatch = new Map<string, number>();
  const done = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  let failure: Error | undefined;
  let fail = (_e: Error): void => undefined;
  const failed = new Promise<never>((_resolve, reject) => {
    fail = (e) => {
      failure ??= e;
      reject(e);
    };
  });
  failed.catch(() => undefined);
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
  const startedAt = new Map<string, number>();
  const took = new Map<string, number>();
  const state = nc.subscribe("events.task.*.state", {
    callback: (_e, m) => {
      const e = JSON.parse(dec.decode(m.data)) as {
        taskId: string;
        state: string;
        at: string;
        detail?: string;
      };
      // A benchmark of tasks that fail measures nothing: stop at the first one.
      if (e.state === "failed")
        fail(new Error(`bench task ${e.taskId} ${e.state}: ${e.detail ?? "no detail"}`));
      if (e.state === "running") startedAt.set(e.taskId, Date.parse(e.at));
      if (e.state === "succeeded" || e.state === "failed") {
        const from = startedAt.get(e.taskId);
        if (from !== undefined) took.set(e.taskId, Date.parse(e.at) - from);
        done.set(e.taskId, performance.now());
        waiters.get(e.taskId)?.();
      }
    },
  });
  const until = (id: string): Promise<void> =>
    failure !== undefined
      ? Promise.reject(failure)
      : done.has(id)
        ? Promise.resolve()
        : Promise.race([new Promise<void>((resolve) => waiters.set(id, resolve)), failed]);
  try {
    const latencies: number[] = [];
    const warmup = o.warmup ?? 0;
    for (let i = 0; i < warmup + o.samples; i++) {
      const { task } = await submitTask(bus, { prompt: "true", backend: "true" });
      await until(task.id);
      const d = dispatch.get(task.id);
      if (d !== undefined && i >= warmup) latencies.push(d);
    }
    const busyBefore = port > 0 ? await metric(metricsUrl, "nightshift_lease_contention_total") : 0;
    const rss = sampleMax(() => treeRssMb(worker.child.pid ?? 0));
    const t0 = performance.now();
    const ids: string[] = [];
    const inFlight = new Set<Promise<void>>();
    for (let i = 0; i < o.burst; i++) {
      const repo = o.repos?.[i % o.repos.length];
      const p = submitTask(bus, { prompt: "true", backend: "true", repo }).then(
        ({ task }) => void ids.push(task.id),
      );
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      if (inFlight.size >= 64) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    await Promise.all(ids.map(until));
    const seconds = (Math.max(...ids.map((id) => done.get(id) ?? 0)) - t0) / 1000;
    const maxRssMb = rss.stop();
    const busyAfter = port > 0 ? await metric(metricsUrl, "nightshift_lease_contention_total") : 0;
    const times = ids.map((id) => took.get(id)).filter((t) => t !== undefined);
    return {
      latencies,
      throughput: o.burst / seconds,
      maxRssMb,
      leaseBusy: busyAfter - busyBefore,
      meanTaskMs: times.reduce((a, b) => a + b, 0) / Math.max(1, times.length),
    };
  } finally {
    agent.unsubscribe();
    state.unsubscribe();
    await worker.stop();
  }
}
