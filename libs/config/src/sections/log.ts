import { z } from "zod";

export const LogConfig = z.strictObject({
  level: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** `pretty` prints one readable line per record; `json` is for collectors. */
  format: z.enum(["json", "pretty"]).default("json"),
});
export type LogConfig = z.infer<typeof LogConfig>;
