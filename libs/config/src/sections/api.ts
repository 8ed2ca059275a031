import { z } from "zod";
import { duration } from "../duration.ts";

/**
 * The HTTP API and dashboard (the `api` service). Its bearer tokens are a secret:
 * `NIGHTSHIFT_API_TOKENS`, comma-separated, each `name:token` or just `token`.
 */
export const ApiConfig = z.strictObject({
  /** Largest request body accepted; a larger one is refused with 413. */
  maxBodyBytes: z
    .number()
    .int()
    .min(1024)
    .max(1 << 20)
    .default(256 * 1024),
  /** How often queue depth and dispatch latency are sampled for the dashboard's charts. */
  sampleInterval: duration().default(5_000),
  /** Samples kept: the charts' length (720 × 5 s = one hour). */
  samples: z.number().int().min(2).max(100_000).default(720),
});
export type ApiConfig = z.infer<typeof ApiConfig>;
