import type { ErrorReply } from "./script.ts";

const REQUESTS_LIMIT = 4000;
const TOKENS_LIMIT = 400_000;

/** The `anthropic-ratelimit-*` headers the Messages API sends with every response. */
export function anthropicRateLimitHeaders(
  served: number,
  now: Date,
  error?: ErrorReply,
): Record<string, string> {
  const limited = error?.status === 429;
  const reset = (limited ? error.resetAt : undefined) ?? new Date(now.getTime() + 60_000);
  const iso = reset.toISOString().replace(/\.\d{3}Z$/, "Z");
  const h: Record<string, string> = {
    "anthropic-ratelimit-requests-limit": String(REQUESTS_LIMIT),
    "anthropic-ratelimit-requests-remaining": String(
      limited ? 0 : Math.max(0, REQUESTS_LIMIT - served),
    ),
    "anthropic-ratelimit-requests-reset": iso,
    "anthropic-ratelimit-input-tokens-limit": String(TOKENS_LIMIT),
    "anthropic-ratelimit-input-tokens-remaining": String(limited ? 0 : TOKENS_LIMIT),
    "anthropic-ratelimit-input-tokens-reset": iso,
    "anthropic-ratelimit-output-tokens-limit": String(TOKENS_LIMIT / 5),
    "anthropic-ratelimit-output-tokens-remaining": String(limited ? 0 : TOKENS_LIMIT / 5),
    "anthropic-ratelimit-output-tokens-reset": iso,
    "anthropic-ratelimit-tokens-limit": String(TOKENS_LIMIT),
    "anthropic-ratelimit-tokens-remaining": String(limited ? 0 : TOKENS_LIMIT),
    "anthropic-ratelimit-tokens-reset": iso,
  };
  if (error?.retryAfterSec !== undefined) h["retry-after"] = String(error.retryAfterSec);
  if (limited && error.unified === true) {
    h["anthropic-ratelimit-unified-status"] = "rejected";
    h["anthropic-ratelimit-unified-reset"] = String(Math.ceil(reset.getTime() / 1000));
    h["anthropic-ratelimit-unified-representative-claim"] = "five_hour";
    h["anthropic-ratelimit-unified-5h-status"] = "rejected";
    h["anthropic-ratelimit-unified-5h-reset"] = String(Math.ceil(reset.getTime() / 1000));
    h["anthropic-ratelimit-unified-5h-utilization"] = "1.0";
  }
  return h;
}

/** OpenAI's `x-ratelimit-*` headers; resets are durations such as `6m0s` or `1.5s`. */
export function openaiRateLimitHeaders(now: Date, error?: ErrorReply): Record<string, string> {
  const limited = error?.status === 429;
  const resetMs =
    limited && error.resetAt ? Math.max(0, error.resetAt.getTime() - now.getTime()) : 0;
  const reset = `${(resetMs / 1000).toFixed(3).replace(/\.?0+$/, "")}s`;
  const h: Record<string, string> = {
    "x-ratelimit-limit-requests": String(REQUESTS_LIMIT),
    "x-ratelimit-remaining-requests": String(limited ? 0 : REQUESTS_LIMIT - 1),
    "x-ratelimit-reset-requests": reset,
    "x-ratelimit-limit-tokens": String(TOKENS_LIMIT),
    "x-ratelimit-remaining-tokens": String(limited ? 0 : TOKENS_LIMIT),
    "x-ratelimit-reset-tokens": reset,
  };
  if (error?.retryAfterSec !== undefined) h["retry-after"] = String(error.retryAfterSec);
  return h;
}
