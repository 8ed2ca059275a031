import { fileURLToPath } from "node:url";
import { jetstream, jetstreamManager, RetentionPolicy, StorageType } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { startWorker } from "./processes.ts";
import type { RunResult } from "./result.ts";
import { sampleMax, treeRssMb } from "./rss.ts";

const WORKER = fileURLToPath(new URL("./floor-worker.js", import.meta.url));

/**
 * Raw JetStream publish → pull → spawn /bin/true → ack, with `slots` pulls outstanding.
 * The first `warmup` tasks of the latency series are run but not measured.
 */
export async function runFloor(
  nc: NatsConnection,
  url: string,
  slots: number,
  samples: number,
  burst: number,
  warmup = 0,
): Promise<RunResult> {
  const stream = `FLOOR_${slots}_${Date.now()}`;
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({
    name: stream,
    subjects: [`${stream}.>`],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
  });
  const js = jetstream(nc);
  const worker = await startWorker([WORKER, url, stream, String(slots)], {}, /ready/);
  const dispatch = new Map<string, number>();
  const done = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const dec = new TextDecoder();
  const spawned = nc.subscribe("bench.floor.spawned", {
    callback: (_e, m) => {
      const { id, dispatchMs } = JSON.parse(dec.decode(m.data)) as {
        id: string;
        dispatchMs: number;
      };
      dispatch.set(id, dispatchMs);
    },
  });
  const finished = nc.subscribe("bench.floor.done", {
    callback: (_e, m) => {
      const id = dec.decode(m.data);
      done.set(id, performance.now());
      waiters.get(id)?.();
    },
  });
  const until = (id: string): Promise<void> =>
    done.has(id) ? Promise.resolve() : new Promise((resolve) => waiters.set(id, resolve));
  try {
    const latencies: number[] = [];
    for (let i = 0; i < warmup + samples; i++) {
      const id = `l${slots}-${i}`;
      await js.publish(`${stream}.x`, id);
      await until(id);
      const d = dispatch.get(id);
      if (d !== undefined && i >= warmup) latencies.push(d);
    }
    const ids = Array.from({ length: burst }, (_, i) => `b${slots}-${i}`);
    const rss = sampleMax(() => treeRssMb(worker.child.pid ?? 0));
    const t0 = performance.now();
    await Promise.all(ids.map((id) => js.publish(`${stream}.x`, id)));
    await Promise.all(ids.map(until));
    const seconds = (Math.max(...ids.map((id) => done.get(id) ?? 0)) - t0) / 1000;
    return { latencies, throughput: burst / seconds, maxRssMb: rss.stop() };
  } finally {
    spawned.unsubscribe();
    finished.unsubscribe();
    await worker.stop();
    await jsm.streams.delete(stream);
  }
}
