import type { Bus } from "@nightshift/messaging";
import { waitFor } from "@nightshift/testkit";
import { sampleMax, treeRssMb } from "./rss.ts";

/** A task source's largest RSS while it made tasks, and how many it made. */
export interface UnderLoad {
  maxRssMb: number;
  /** Tasks the service created while it was measured. */
  tasks: number;
  /** Tasks the load should have made. */
  expected: number;
  /** From the start of the load until the last of them existed (or the deadline). */
  seconds: number;
}

/** Task ids starting with `prefix` (the poller's are `gh-…`, the gateway's `email-…`). */
export async function countTasks(bus: Bus, prefix: string): Promise<number> {
  return (await bus.tasks.ids()).filter((id) => id.startsWith(`${prefix}-`)).length;
}

/**
 * Samples `pid`'s RSS (with its children) while `load()` runs and until `expected` tasks
 * with ids starting `prefix` exist on `bus` (or `timeoutMs` passed), then `afterMs` more.
 * A shortfall shows in the count; it does not fail the bench.
 */
export async function sampleUntilTasks(
  pid: number,
  bus: Bus,
  o: { prefix: string; expected: number; timeoutMs: number; afterMs: number },
  load: () => Promise<void> = () => Promise.resolve(),
): Promise<UnderLoad> {
  const rss = sampleMax(() => treeRssMb(pid));
  const started = Date.now();
  try {
    await load();
    await waitFor(async () => (await countTasks(bus, o.prefix)) >= o.expected, {
      timeoutMs: o.timeoutMs,
      intervalMs: 250,
    }).catch(() => undefined);
    const seconds = (Date.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, o.afterMs));
    return {
      maxRssMb: rss.stop(),
      tasks: await countTasks(bus, o.prefix),
      expected: o.expected,
      seconds,
    };
  } finally {
    rss.stop();
  }
}
