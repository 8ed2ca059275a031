import { coerceError, isNightshiftError, type RetryableError } from "@nightshift/errors";
import { acquireLease, type Bus, type Lease } from "@nightshift/messaging";
import type { Logger } from "@nightshift/runtime";
import { sleep } from "./sleep.ts";

export interface LeaderLoopOptions {
  bus: Bus;
  /** Lease key in the `leases` bucket. */
  key: string;
  instance: string;
  log: Logger;
  stop: AbortSignal;
  /** Time between two ticks while leading (may change between ticks). */
  interval: () => number;
  /** Lease renewal period: well under the `leases` bucket's TTL. */
  renewMs: number;
  tick: () => Promise<void>;
  onLeadership?: (leading: boolean) => void;
}

/**
 * Runs `tick` every interval while this instance holds the lease `key`, so one replica
 * polls a source while the others stand by and take over when its lease expires.
 * Ownership comes from the lease's CAS results only.
 */
export async function runAsLeader(o: LeaderLoopOptions): Promise<void> {
  while (!o.stop.aborted) {
    let lease: Lease | undefined;
    try {
      lease = await acquireLease(o.bus.kv.leases, o.key, {
        owner: o.instance,
        taskId: o.key,
        acquiredAt: new Date().toISOString(),
      });
    } catch (err) {
      o.log.warn({ err: coerceError(err), lease: o.key }, "leader lease unavailable");
    }
    if (!lease) {
      await sleep(o.renewMs, o.stop);
      continue;
    }
    const lost = new AbortController();
    o.onLeadership?.(true);
    o.log.info({ lease: o.key }, "leading");
    const renew = setInterval(() => {
      lease
        .renew()
        .then((ok) => {
          if (!ok) lost.abort();
        })
        .catch((err: unknown) => {
          o.log.warn({ err: coerceError(err), lease: o.key }, "lease renewal failed");
        });
    }, o.renewMs);
    try {
      while (!o.stop.aborted && !lost.signal.aborted) {
        let wait = o.interval();
        try {
          await o.tick();
        } catch (err) {
          // A source that says when to come back (a rate limit's reset) is left alone till then.
          const after = isNightshiftError(err, "RETRYABLE") ? (err as RetryableError).delayMs : 0;
          wait = Math.max(wait, after);
          o.log.warn({ err: coerceError(err), lease: o.key, retryInMs: wait }, "poll failed");
        }
        await sleep(wait, o.stop, lost.signal);
      }
    } finally {
      clearInterval(renew);
      o.onLeadership?.(false);
      if (lost.signal.aborted) o.log.warn({ lease: o.key }, "leadership lost");
      await lease.release().catch(() => undefined);
    }
  }
}
