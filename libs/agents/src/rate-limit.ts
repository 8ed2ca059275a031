import type { RateLimitSignal } from "./types.ts";

type HeaderSource = Headers | Readonly<Record<string, string>>;

function header(h: HeaderSource, name: string): string | undefined {
  const v = h instanceof Headers ? h.get(name) : h[name];
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** `6m0s`, `1.5s`, `250ms`, `1h2m3s` (OpenAI's reset format) in milliseconds. */
export function parseResetDuration(value: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0;
  let matched = "";
  for (const m of value.matchAll(re)) {
    const n = Number(m[1]);
    total +=
      m[2] === "ms" ? n : m[2] === "s" ? n * 1000 : m[2] === "m" ? n * 60_000 : n * 3_600_000;
    matched += m[0];
  }
  return matched === value.trim() && matched !== "" ? Math.round(total) : undefined;
}

const ANTHROPIC_RESETS = ["requests", "tokens", "input-tokens", "output-tokens"];
const OPENAI_RESETS = ["requests", "tokens"];

/**
 * When a 429's limit resets, from its headers: `retry-after` first, then the latest
 * `anthropic-ratelimit-*-reset` or `x-ratelimit-reset-*`, else `fallbackMs` from now.
 */
export function rateLimitFromHeaders(
  h: HeaderSource,
  now: number,
  fallbackMs: number,
  message?: string,
): RateLimitSignal {
  const extra = message !== undefined ? { message } : {};
  const retryAfter = header(h, "retry-after");
  if (retryAfter !== undefined) {
    const secs = Number(retryAfter);
    const at = Number.isFinite(secs) ? now + secs * 1000 : Date.parse(retryAfter);
    if (Number.isFinite(at))
      return { resetAt: new Date(at).toISOString(), source: "retry-after", ...extra };
  }
  const resets: number[] = [];
  for (const k of ANTHROPIC_RESETS) {
    const remaining = header(h, `anthropic-ratelimit-${k}-remaining`);
    const reset = header(h, `anthropic-ratelimit-${k}-reset`);
    if (reset !== undefined && remaining === "0") resets.push(Date.parse(reset));
  }
  for (const k of OPENAI_RESETS) {
    const remaining = header(h, `x-ratelimit-remaining-${k}`);
    const reset = header(h, `x-ratelimit-reset-${k}`);
    const ms = reset !== undefined ? parseResetDuration(reset) : undefined;
    if (ms !== undefined && remaining === "0") resets.push(now + ms);
  }
  const latest = Math.max(...resets.filter(Number.isFinite));
  if (Number.isFinite(latest) && latest > 0)
    return { resetAt: new Date(latest).toISOString(), source: "reset-header", ...extra };
  return fallbackRateLimit(now, fallbackMs, message);
}

/** A rate limit without a reset time: try again after `ms`. */
export function fallbackRateLimit(now: number, ms: number, message?: string): RateLimitSignal {
  return {
    resetAt: new Date(now + ms).toISOString(),
    source: "fallback",
    ...(message !== undefined ? { message } : {}),
  };
}
