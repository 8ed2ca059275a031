import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Queue } from "bullmq";
import type { RunResult } from "./result.ts";
import { sampleMax, treeRssMb } from "./rss.ts";

const WORKER = fileURLToPath(new URL("./bullmq-worker.js", import.meta.url));

type FromWorker =
  { op: "ready" } | { op: "spawned"; id: string; dispatchMs: number } | { op: "done"; id: string };

/**
 * The same workload on BullMQ (Redis): add a job → a worker process with `slots`
 * concurrency spawns /bin/true → completed. Latency from just before `add` to the spawn,
 * after `warmup` jobs that are not measured.
 */
export async function runBullmq(
  redisPort: number,
  slots: number,
  samples: number,
  burst: number,
  warmup = 0,
): Promise<RunResult> {
  const name = `bench-${slots}-${Date.now()}`;
  const connection = { host: "127.0.0.1", port: redisPort, maxRetriesPerRequest: null };
  const queue = new Queue(name, { connection });
  const child = fork(WORKER, [String(redisPort), name, String(slots)], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const dispatch = new Map<string, number>();
  const done = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const ready = new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`BullMQ worker exited with ${code}`)));
    child.on("message", (m: FromWorker) => {
      if (m.op === "ready") resolve();
      else if (m.op === "spawned") dispatch.set(m.id, m.dispatchMs);
      else {
        done.set(m.id, performance.now());
        waiters.get(m.id)?.();
      }
    });
  });
  await ready;
  const until = (id: string): Promise<void> =>
    done.has(id) ? Promise.resolve() : new Promise((resolve) => waiters.set(id, resolve));
  const add = (id: string): Promise<unknown> =>
    queue.add(
      "t",
      { id, sentAt: performance.timeOrigin + performance.now() },
      {
        removeOnComplete: true,
        removeOnFail: true,
      },
    );
  try {
    const latencies: number[] = [];
    for (let i = 0; i < warmup + samples; i++) {
      const id = `l${i}`;
      await add(id);
      await until(id);
      const d = dispatch.get(id);
      if (d !== undefined && i >= warmup) latencies.push(d);
    }
    const rss = sampleMax(() => treeRssMb(child.pid ?? 0));
    const ids = Array.from({ length: burst }, (_, i) => `b${i}`);
    const t0 = performance.now();
    const inFlight = new Set<Promise<unknown>>();
    for (const id of ids) {
      const p = add(id);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      if (inFlight.size >= 64) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    await Promise.all(ids.map(until));
    const seconds = (Math.max(...ids.map((id) => done.get(id) ?? 0)) - t0) / 1000;
    return { latencies, throughput: burst / seconds, maxRssMb: rss.stop() };
  } finally {
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}
