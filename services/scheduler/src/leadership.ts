import { coerceError } from "@nightshift/errors";
import { acquireLease, type KV, type Lease } from "@nightshift/messaging";

/** One uninterrupted period of leadership. */
export interface Term {
  since: Date;
  /** The lease revision it was won with (fencing token). */
  fence: number;
  /** Aborted when the term ends: lease lost, renewal impossible, or shutdown. */
  signal: AbortSignal;
}

export interface LeadershipOptions {
  kv: KV;
  key: string;
  instance: string;
  /** The lease bucket's TTL: how long a lease outlives its last renewal. */
  ttlMs: number;
  renewMs: number;
  /** How often a standby tries to take the lease. */
  pollMs: number;
  stop: AbortSignal;
  onError?: (err: Error, phase: "acquire" | "renew" | "release" | "term") => void;
}

export interface Leadership {
  /** Resolves after shutdown, once the last term's work has finished and the lease is released. */
  done: Promise<void>;
  current(): Term | undefined;
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = (): void => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Competes for a lease in KV and runs `work` for each term won. Ownership is decided by the
 * CAS results of `create` and `update`; a leader that cannot renew steps down before its
 * lease can have expired (a renew interval before the TTL), so two leaders overlap only if
 * a process stalls, and then the fire's message id absorbs the repeat.
 */
export function runLeadership(
  opts: LeadershipOptions,
  work: (term: Term) => Promise<void>,
): Leadership {
  let term: Term | undefined;
  const report = (err: unknown, phase: "acquire" | "renew" | "release" | "term"): void =>
    opts.onError?.(coerceError(err), phase);

  const serve = async (lease: Lease): Promise<void> => {
    const ended = new AbortController();
    const current: Term = { since: new Date(), fence: lease.acquiredFence, signal: ended.signal };
    term = current;
    const running = work(current).catch((err: unknown) => {
      report(err, "term");
      ended.abort();
    });
    const both = AbortSignal.any([opts.stop, ended.signal]);
    let lastRenewed = performance.now();
    let lost = false;
    while (!both.aborted) {
      await sleep(opts.renewMs, both);
      if (both.aborted) break;
      try {
        if (await lease.renew()) lastRenewed = performance.now();
        else lost = true;
      } catch (err) {
        report(err, "renew");
        if (performance.now() - lastRenewed > opts.ttlMs - opts.renewMs) lost = true;
      }
      if (lost) break;
    }
    term = undefined;
    ended.abort();
    await running;
    if (!lost) await lease.release().catch((err: unknown) => report(err, "release"));
  };

  const loop = async (): Promise<void> => {
    while (!opts.stop.aborted) {
      let lease: Lease | undefined;
      try {
        lease = await acquireLease(opts.kv, opts.key, {
          owner: opts.instance,
          taskId: "",
          acquiredAt: new Date().toISOString(),
        });
      } catch (err) {
        report(err, "acquire");
      }
      if (lease === undefined) {
        await sleep(opts.pollMs, opts.stop);
        continue;
      }
      await serve(lease);
      // Whatever ended the term, give the other replicas a turn before competing again.
      await sleep(opts.pollMs, opts.stop);
    }
  };

  return { done: loop(), current: () => term };
}
