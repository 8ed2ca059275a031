import { createHash, timingSafeEqual } from "node:crypto";
import { NightshiftError } from "@nightshift/errors";

/** Who may use the API, decided once at start-up. */
export type Access =
  | { mode: "tokens"; tokens: readonly ApiToken[] }
  /** `nightshift up` on a loopback address with no tokens: anyone on this machine. */
  | { mode: "open" }
  | { mode: "off"; reason: string };

export interface ApiToken {
  /** Recorded as `api:<name>` on cancellations, approvals and pauses. */
  name: string;
  digest: Buffer;
}

const MIN_TOKEN_LENGTH = 16;

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/**
 * Parses `NIGHTSHIFT_API_TOKENS`: comma-separated entries, each `name:token` or a bare
 * token (named `token1`, `token2` …). Short tokens are refused rather than accepted weakly.
 */
export function parseTokens(raw: string): ApiToken[] {
  const out: ApiToken[] = [];
  const entries = raw
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  entries.forEach((entry, i) => {
    const named = /^([A-Za-z0-9_.-]{1,32}):(.+)$/.exec(entry);
    const name = named?.[1] ?? `token${i + 1}`;
    const token = named?.[2] ?? entry;
    if (token.length < MIN_TOKEN_LENGTH) {
      throw new NightshiftError(
        "CONFIG_INVALID",
        `NIGHTSHIFT_API_TOKENS: token "${name}" is shorter than ${MIN_TOKEN_LENGTH} characters`,
      );
    }
    if (out.some((t) => t.name === name))
      throw new NightshiftError("CONFIG_INVALID", `NIGHTSHIFT_API_TOKENS: "${name}" appears twice`);
    out.push({ name, digest: digest(token) });
  });
  return out;
}

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Tokens when configured; otherwise open only for `nightshift up` listening on loopback,
 * and off everywhere else, so a service reachable from a network never runs unauthenticated.
 */
export function decideAccess(opts: {
  tokens: string | undefined;
  openOnLoopback: boolean;
  host: string;
}): Access {
  const tokens = opts.tokens === undefined ? [] : parseTokens(opts.tokens);
  if (tokens.length > 0) return { mode: "tokens", tokens };
  if (opts.openOnLoopback && isLoopback(opts.host)) return { mode: "open" };
  return {
    mode: "off",
    reason: opts.openOnLoopback
      ? `the API is off: http.host ${opts.host} is not a loopback address and NIGHTSHIFT_API_TOKENS is not set`
      : "the API is off: set NIGHTSHIFT_API_TOKENS to enable it",
  };
}

/** The name of the token an `Authorization` header carries, or undefined. Constant-time per token. */
export function authenticate(
  tokens: readonly ApiToken[],
  header: string | undefined,
): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (!m) return undefined;
  const given = digest(m[1] as string);
  let found: string | undefined;
  for (const t of tokens) if (timingSafeEqual(t.digest, given)) found ??= t.name;
  return found;
}
