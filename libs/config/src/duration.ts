import { z } from "zod";

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `250ms`, `30s`, `5m`, `1h`, `2d` or a number of milliseconds. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(value);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * (UNITS[m[2] ?? "ms"] ?? 1));
}

/** A zod type for durations in config: accepts `30s`-style strings or milliseconds, yields ms. */
export const duration = () =>
  z.union([z.number(), z.string()]).transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      ctx.addIssue({
        code: "custom",
        message: `invalid duration ${JSON.stringify(value)} (use 500ms, 30s, 5m, 1h, 2d)`,
      });
      return z.NEVER;
    }
    return ms;
  });
