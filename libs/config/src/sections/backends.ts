import { z } from "zod";

/**
 * `command`: any agent CLI by argv template. Placeholders: `{prompt}`, `{taskId}`,
 * `{workspace}`, `{model}`. With `prompt: stdin` the prompt is written to the process's stdin.
 */
export const CommandBackendConfig = z.strictObject({
  type: z.literal("command"),
  argv: z.array(z.string()).min(1),
  prompt: z.enum(["arg", "stdin"]).default("arg"),
  /** Extra environment for the agent (values, not secrets of the executor). */
  env: z.record(z.string(), z.string()).default({}),
});
export type CommandBackendConfig = z.infer<typeof CommandBackendConfig>;

export const BackendConfig = z.discriminatedUnion("type", [CommandBackendConfig]);
export type BackendConfig = z.infer<typeof BackendConfig>;

export const BackendsConfig = z.record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/), BackendConfig);
export type BackendsConfig = z.infer<typeof BackendsConfig>;
