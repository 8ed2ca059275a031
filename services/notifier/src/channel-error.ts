/** A channel could not deliver; `retryable: false` means trying again cannot help. */
export class ChannelError extends Error {
  readonly code = "CHANNEL_FAILED" as const;
  readonly retryable: boolean;
  /** The receiver asked to wait this long (Retry-After). */
  readonly retryAfterMs: number | undefined;
  constructor(
    message: string,
    opts: { retryable: boolean; retryAfterMs?: number | undefined; cause?: unknown },
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "ChannelError";
    this.retryable = opts.retryable;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

export function isChannelError(err: unknown): err is ChannelError {
  return err instanceof Error && (err as { code?: unknown }).code === "CHANNEL_FAILED";
}
