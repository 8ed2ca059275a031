import {
  coerceError,
  isNightshiftError,
  type PermanentError,
  type RetryableError,
} from "@nightshift/errors";

/** What a message handler decided; `settle` maps it to JetStream verbs. */
export type Outcome =
  | { kind: "ack" }
  /** Try again after `delayMs` (nak with delay). */
  | { kind: "retry"; delayMs: number; reason: string }
  /** Cannot ever succeed: copy to the DLQ with the reason, then terminate. */
  | { kind: "dead"; reason: string; detail?: string }
  /**
   * Leave the message alone: this process no longer owns the work (its lease was taken
   * over, or it is shutting down mid-task) and the server's redelivery decides.
   */
  | { kind: "abandon"; reason: string };

export const ack = (): Outcome => ({ kind: "ack" });
export const retry = (reason: string, delayMs: number): Outcome => ({
  kind: "retry",
  reason,
  delayMs,
});
export const dead = (reason: string, detail?: string): Outcome =>
  detail === undefined ? { kind: "dead", reason } : { kind: "dead", reason, detail };
export const abandon = (reason: string): Outcome => ({ kind: "abandon", reason });

/** Backoff for unexpected errors: 1 s, 2 s, 4 s … capped at 60 s. */
export function backoffMs(deliveryCount: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.max(0, deliveryCount - 1));
}

/** Maps a thrown value to an outcome: our error classes say what they mean, anything else retries. */
export function outcomeFromError(thrown: unknown, deliveryCount: number): Outcome {
  const err = coerceError(thrown);
  if (isNightshiftError(err, "RETRYABLE")) {
    return retry(err.message, (err as RetryableError).delayMs);
  }
  if (isNightshiftError(err, "PERMANENT")) {
    return dead((err as PermanentError).reason, err.message);
  }
  if (isNightshiftError(err, "INVALID_PAYLOAD")) {
    return dead("invalid-payload", err.message);
  }
  return retry(err.message, backoffMs(deliveryCount));
}
