import { z } from "zod";

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** Parses `512MiB`, `10GB`, `1.5GiB` or a number of bytes (KB/MB/GB are powers of 1000). */
export function parseSize(value: string | number): number | undefined {
  if (typeof value === "number")
    return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)\s*$/i.exec(value);
  if (!m) return undefined;
  const unit = UNITS[(m[2] ?? "b").toLowerCase()];
  return unit === undefined ? undefined : Math.round(Number(m[1]) * unit);
}

/** A zod type for sizes in config: accepts `10GiB`-style strings or bytes, yields bytes. */
export const size = () =>
  z.union([z.number(), z.string()]).transform((value, ctx) => {
    const bytes = parseSize(value);
    if (bytes === undefined) {
      ctx.addIssue({
        code: "custom",
        message: `invalid size ${JSON.stringify(value)} (use 500MB, 2GiB or a number of bytes)`,
      });
      return z.NEVER;
    }
    return bytes;
  });
