import { z } from "zod";

/** The health/status/metrics server every service runs. */
export const HttpConfig = z.strictObject({
  host: z.string().min(1).default("127.0.0.1"),
  /** 0 picks a free port. */
  port: z.number().int().min(0).max(65535).default(8080),
});
export type HttpConfig = z.infer<typeof HttpConfig>;
