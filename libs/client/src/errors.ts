import { NightshiftError } from "@nightshift/errors";
import type { Issue } from "./wire/errors.ts";

/** `invalid task: prompt: must not be empty; card.goal: …` */
export function describeIssues(what: string, issues: readonly Issue[]): string {
  return `invalid ${what}: ${issues.map((i) => `${i.path || `(${what})`}: ${i.message}`).join("; ")}`;
}

/** A request that fails its schema; `issues` says where and why, one entry per problem. */
export class InvalidRequestError extends NightshiftError {
  readonly issues: readonly Issue[];
  constructor(what: string, issues: readonly Issue[], message?: string) {
    super("INVALID_PAYLOAD", message ?? describeIssues(what, issues));
    this.name = "InvalidRequestError";
    this.issues = issues;
  }
}

/** An error answer of the HTTP API that maps to no closer error code. */
export class ApiResponseError extends NightshiftError {
  readonly status: number;
  /** The `code` of the API's error body (`UNAUTHORIZED`, `PAYLOAD_TOO_LARGE` …). */
  readonly apiCode: string;
  constructor(status: number, apiCode: string, message: string) {
    super("API", `${message} (HTTP ${status} ${apiCode})`);
    this.name = "ApiResponseError";
    this.status = status;
    this.apiCode = apiCode;
  }
}
