import type { Lease } from "@nightshift/messaging";

export interface ConfirmLeaseOptions {
  /** Give up (not confirmed) after this long without a fresh answer from NATS. */
  timeoutMs: number;
  /** Pause between tries while NATS does not answer. */
  intervalMs: number;
  /** Aborted: no more waiting for NATS (a first answer is still taken). */
  signal?: AbortSignal;
}

/**
 * Confirms that this attempt still holds its repository lease, by renewing it (a CAS on
 * the revision it last wrote), right before a write outside NATS such as the push. An
 * executor that was paused past the lease's TTL learns here that another may have taken
 * over, and must not write. An unreachable NATS is no answer: it is asked again until
 * `timeoutMs`; no answer by then counts as lost, never as held.
 */
export async function confirmLease(lease: Lease, opts: ConfirmLeaseOptions): Promise<boolean> {
  const deadline = performance.now() + opts.timeoutMs;
  for (;;) {
    try {
      if (!(await lease.renew())) return false;
      // A renewal vouches for the lease from when it was sent. One whose answer came late
      // (this process was paused meanwhile) is asked again: a CAS that still succeeds
      // proves nobody took the lease in between.
      if (performance.now() - lease.renewedAt() < opts.timeoutMs / 2) return true;
    } catch {
      // NATS did not answer: ask again, unless time is up or the executor is being forced.
      if (opts.signal?.aborted === true) return false;
      await new Promise((resolve) => setTimeout(resolve, opts.intervalMs));
    }
    if (performance.now() >= deadline) return false;
  }
}
