import { z } from "zod";

const UNITS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** Parses `512k`, `256m`, `4g`, `1t` (powers of 1024) or a number of bytes. */
export function parseBytes(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isInteger(value) && value > 0 ? value : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([bkmgt])?i?b?\s*$/i.exec(value);
  if (!m) return undefined;
  const n = Math.round(Number(m[1]) * (UNITS[(m[2] ?? "b").toLowerCase()] ?? 1));
  return n > 0 ? n : undefined;
}

/** A zod type for sizes in config: `256m`-style strings or bytes, yields bytes. */
export const bytes = () =>
  z.union([z.number(), z.string()]).transform((value, ctx) => {
    const n = parseBytes(value);
    if (n === undefined) {
      ctx.addIssue({
        code: "custom",
        message: `invalid size ${JSON.stringify(value)} (use 512k, 256m, 4g or bytes)`,
      });
      return z.NEVER;
    }
    return n;
  });
