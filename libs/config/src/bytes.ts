import { z } from "zod";

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1024,
  k: 1024,
  mb: 1024 ** 2,
  m: 1024 ** 2,
  gb: 1024 ** 3,
  g: 1024 ** 3,
};

/** Parses `512KB`, `10MB`, `1GB` (binary units) or a number of bytes. */
export function parseBytes(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isInteger(value) && value >= 0 ? value : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?b?)\s*$/i.exec(value);
  if (!m) return undefined;
  const unit = (m[2] ?? "").toLowerCase() || "b";
  const factor = UNITS[unit];
  return factor === undefined ? undefined : Math.round(Number(m[1]) * factor);
}

/** A zod type for sizes in config: accepts `10MB`-style strings or bytes, yields bytes. */
export const byteSize = () =>
  z.union([z.number(), z.string()]).transform((value, ctx) => {
    const n = parseBytes(value);
    if (n === undefined) {
      ctx.addIssue({
        code: "custom",
        message: `invalid size ${JSON.stringify(value)} (use 512KB, 10MB, 1GB or bytes)`,
      });
      return z.NEVER;
    }
    return n;
  });
