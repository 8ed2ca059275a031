import { NightshiftError, RetryableError, type NightshiftErrorOptions } from "@nightshift/errors";

/** A GitHub API request that failed; `status` is the HTTP status (0 when none arrived). */
export class GitHubError extends NightshiftError {
  readonly status: number;
  readonly route: string;
  constructor(
    status: number,
    route: string,
    message: string,
    code: "RETRYABLE" | "PERMANENT" | "NOT_FOUND" | "CONFLICT",
    options?: NightshiftErrorOptions,
  ) {
    super(code, message, options);
    this.name = "GitHubError";
    this.status = status;
    this.route = route;
  }
}

/**
 * GitHub refused a request for its primary or secondary rate limit, and the wait was longer
 * than the client may sleep. `delayMs` is how long until GitHub said to try again.
 */
export class GitHubRateLimitError extends RetryableError {
  readonly route: string;
  readonly kind: "primary" | "secondary";
  constructor(
    route: string,
    kind: "primary" | "secondary",
    delayMs: number,
    options?: NightshiftErrorOptions,
  ) {
    super(
      `GitHub ${kind} rate limit on ${route}: retry in ${Math.ceil(delayMs / 1000)} s`,
      delayMs,
      options,
    );
    this.name = "GitHubRateLimitError";
    this.route = route;
    this.kind = kind;
  }
}
