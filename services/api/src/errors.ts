import type { Context } from "hono";
import { InvalidRequestError, type ApiErrorBody, type Issue } from "@nightshift/client";
import { isNightshiftError } from "@nightshift/errors";

export type ApiErrorCode =
  | "UNAUTHORIZED"
  | "API_DISABLED"
  | "INVALID_REQUEST"
  | "NOT_FOUND"
  | "CONFLICT"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "INTERNAL";

export type ApiStatus = 400 | 401 | 404 | 409 | 413 | 415 | 500 | 503;

/** An error the API answers with: an HTTP status and a JSON body carrying `code`. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly status: ApiStatus;
  readonly issues: readonly Issue[] | undefined;
  constructor(
    status: ApiStatus,
    code: ApiErrorCode,
    message: string,
    opts: { issues?: readonly Issue[]; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.issues = opts.issues;
  }
}

/** The API's view of any thrown value; `internal` is true for the ones worth logging. */
export function toApiError(err: unknown): { error: ApiError; internal: boolean } {
  if (err instanceof ApiError) return { error: err, internal: false };
  if (err instanceof InvalidRequestError)
    return {
      error: new ApiError(400, "INVALID_REQUEST", err.message, { issues: err.issues }),
      internal: false,
    };
  if (isNightshiftError(err, "NOT_FOUND"))
    return { error: new ApiError(404, "NOT_FOUND", err.message), internal: false };
  if (isNightshiftError(err, "CONFLICT"))
    return { error: new ApiError(409, "CONFLICT", err.message), internal: false };
  if (isNightshiftError(err, "INVALID_PAYLOAD") || isNightshiftError(err, "USAGE"))
    return { error: new ApiError(400, "INVALID_REQUEST", err.message), internal: false };
  return {
    error: new ApiError(500, "INTERNAL", "internal error; the api service's log has the details", {
      cause: err,
    }),
    internal: true,
  };
}

export function errorBody(e: ApiError): ApiErrorBody {
  return {
    error: {
      code: e.code,
      message: e.message,
      ...(e.issues !== undefined ? { issues: [...e.issues] } : {}),
    },
  };
}

export function errorResponse(c: Context, e: ApiError): Response {
  if (e.status === 401) c.header("WWW-Authenticate", 'Bearer realm="nightshift"');
  return c.json(errorBody(e), e.status);
}
