import type { Bus, NatsConnection } from "@nightshift/messaging";
import { runNightshift, type NightshiftRun } from "./nightshift.ts";

export interface ContentionResult {
  repos: number;
  busyDelay: string;
  run: NightshiftRun;
  /** Share of the wall time the repositories were running a task (1 = never idle). */
  busyShare: number;
}

/**
 * Per-repository lease contention: the same burst on as many repositories as tasks (no
 * contention) and on a few, where tasks wait for the lease and are looked at again after
 * `busyDelay`. How well the few repositories are used: throughput × mean task time ÷
 * repositories, the share of the time each one was running a task.
 */
export async function runContention(
  nc: NatsConnection,
  bus: Bus,
  url: string,
  o: { slots: number; burst: number; spread: string[]; few: string[]; busyDelays: string[] },
): Promise<{ uncontended: NightshiftRun; contended: ContentionResult[] }> {
  const uncontended = await runNightshift(nc, bus, url, {
    slots: o.slots,
    samples: 0,
    burst: o.burst,
    repos: o.spread,
  });
  const contended: ContentionResult[] = [];
  for (const busyDelay of o.busyDelays) {
    const run = await runNightshift(nc, bus, url, {
      slots: o.slots,
      samples: 0,
      burst: o.burst,
      repos: o.few,
      busyDelay,
    });
    contended.push({
      repos: o.few.length,
      busyDelay,
      run,
      busyShare: (run.throughput * run.meanTaskMs) / 1000 / o.few.length,
    });
  }
  return { uncontended, contended };
}
