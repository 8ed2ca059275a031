import { LinearClient, LinearError, LinearErrorType, RatelimitedLinearError } from "@linear/sdk";
import { coerceError, NightshiftError, PermanentError, RetryableError } from "@nightshift/errors";
import type { z } from "zod";

/** What goes over the wire: the one place that knows @linear/sdk. */
export type LinearRequest = (query: string, variables: Record<string, unknown>) => Promise<unknown>;

/** Maps the SDK's errors to ours: rate limits wait, bad keys and bad input do not retry. */
export function mapLinearError(err: unknown): Error {
  if (err instanceof NightshiftError) return err;
  if (err instanceof RatelimitedLinearError) {
    const reset = err.requestsResetAt ?? err.complexityResetAt;
    const delay =
      err.retryAfter !== undefined
        ? err.retryAfter * 1000
        : reset !== undefined
          ? Math.max(1000, reset - Date.now())
          : 60_000;
    return new RetryableError(`Linear rate limit: retry in ${Math.ceil(delay / 1000)} s`, delay, {
      cause: err,
    });
  }
  if (err instanceof LinearError) {
    const permanent = [
      LinearErrorType.AuthenticationError,
      LinearErrorType.Forbidden,
      LinearErrorType.InvalidInput,
      LinearErrorType.GraphqlError,
      LinearErrorType.FeatureNotAccessible,
    ] as string[];
    if (err.type !== undefined && permanent.includes(err.type))
      return new PermanentError(`linear-${err.type.toLowerCase()}`, `Linear: ${err.message}`, {
        cause: err,
      });
    return new RetryableError(`Linear: ${err.message}`, 30_000, { cause: err });
  }
  const e = coerceError(err);
  return new RetryableError(`Linear: ${e.message}`, 30_000, { cause: e });
}

export interface LinearClientOptions {
  apiKey: string;
  /** GraphQL endpoint; Linear's own by default. */
  apiUrl?: string | undefined;
}

/** A request function on the SDK's GraphQL client, with errors mapped. */
export function linearRequest(o: LinearClientOptions): LinearRequest {
  const client = new LinearClient({ apiKey: o.apiKey, ...(o.apiUrl ? { apiUrl: o.apiUrl } : {}) });
  return async (query, variables) => {
    try {
      const res = await client.client.rawRequest<unknown, Record<string, unknown>>(
        query,
        variables,
      );
      return res.data;
    } catch (err) {
      throw mapLinearError(err);
    }
  };
}

/** Parses an answer, reporting a shape we did not expect as a permanent error. */
export function parseAnswer<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const r = schema.safeParse(data);
  if (!r.success)
    throw new PermanentError(
      "linear-unexpected",
      `Linear ${what}: unexpected answer: ${r.error.issues[0]?.message ?? ""}`,
    );
  return r.data;
}
