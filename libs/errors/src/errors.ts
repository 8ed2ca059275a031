/**
 * Error codes nightshift raises. Adding a code is additive; handlers switch on `code`
 * rather than `instanceof`, which breaks across duplicated package copies.
 */
export type ErrorCode =
  | "CONFIG_INVALID"
  | "NATS_VERSION"
  | "NATS_CONNECT"
  | "NATS_BINARY"
  | "NATS_PERMISSION"
  | "INVALID_PAYLOAD"
  | "RETRYABLE"
  | "PERMANENT"
  | "NOT_FOUND"
  | "CONFLICT"
  | "LEASE_LOST"
  | "TIMEOUT"
  | "CANCELLED"
  | "USAGE"
  | "SANDBOX"
  /** The HTTP API answered with an error that has no closer code (401, 413, 503 …). */
  | "API";

export interface NightshiftErrorOptions {
  cause?: unknown;
}

/** Base class of every error nightshift throws on purpose. */
export class NightshiftError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: NightshiftErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "NightshiftError";
    this.code = code;
  }
}

/** A failure worth retrying later; `delayMs` is the suggested wait before the retry. */
export class RetryableError extends NightshiftError {
  readonly delayMs: number;
  constructor(message: string, delayMs: number, options?: NightshiftErrorOptions) {
    super("RETRYABLE", message, options);
    this.name = "RetryableError";
    this.delayMs = delayMs;
  }
}

/** A failure that retrying cannot fix; the message goes to the dead-letter stream. */
export class PermanentError extends NightshiftError {
  readonly reason: string;
  constructor(reason: string, message: string, options?: NightshiftErrorOptions) {
    super("PERMANENT", message, options);
    this.name = "PermanentError";
    this.reason = reason;
  }
}

/** A command-line usage error: printed as one line, exit code 2. */
export class UsageError extends NightshiftError {
  constructor(message: string) {
    super("USAGE", message);
    this.name = "UsageError";
  }
}

export function isNightshiftError(err: unknown, code?: ErrorCode): err is NightshiftError {
  if (!(err instanceof Error) || !("code" in err) || typeof err.code !== "string") return false;
  return (err.name.endsWith("Error") && code === undefined) || err.code === code;
}

/** Turns any thrown value into an Error, so catch blocks can rely on `.message`. */
export function coerceError(value: unknown): Error {
  if (value instanceof Error) return value;
  if (typeof value === "string") return new Error(value);
  try {
    return new Error(JSON.stringify(value));
  } catch {
    return new Error(String(value));
  }
}
