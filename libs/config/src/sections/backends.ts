import { z } from "zod";
import { duration } from "../duration.ts";

/** Extra environment for the agent (values, not secrets of the executor). */
const env = z.record(z.string(), z.string()).default({});
/** Model used when the task names none. */
const model = z.string().min(1).optional();
/** Turn limit for tasks that set none. */
const maxTurns = z.number().int().positive().optional();
/** How long to wait after a rate limit that carried no reset time. */
const rateLimitFallback = duration().default(60_000);
/** Retries of a failed model request inside the agent; JetStream owns retries (0–1). */
const maxRetries = z.number().int().min(0).max(1).default(0);
const baseUrl = z.url().optional();
/**
 * Whether the agent must write `.nightshift/result.json`. Without it an agent's claim of
 * success is only its exit code; agent CLIs are asked for the file, so they must write it.
 */
const resultFile = (byDefault: "required" | "optional") =>
  z.enum(["required", "optional"]).default(byDefault);

/**
 * `command`: any agent CLI by argv template. Template variables: `{prompt}`, `{taskId}`,
 * `{workspace}`, `{model}`, `{maxTurns}`. With `prompt: stdin` the prompt is written to the
 * process's stdin. A `preset` (aider, gptme, opencode) supplies `argv` and the model and
 * turn arguments; `argv` then replaces the preset's.
 */
export const CommandBackendConfig = z
  .strictObject({
    type: z.literal("command"),
    preset: z.enum(["aider", "gptme", "opencode"]).optional(),
    argv: z.array(z.string()).min(1).optional(),
    prompt: z.enum(["arg", "stdin"]).default("arg"),
    /**
     * What `{prompt}` (or stdin) carries: `built`, nightshift's full prompt (template, task
     * card, repository instructions, results contract), or `task`, the task's own text as
     * submitted (a script for `sh -c`). Default: `built` with a preset, `task` otherwise.
     */
    promptText: z.enum(["built", "task"]).optional(),
    /** Appended when a model is known (`["--model", "{model}"]`). */
    modelArgv: z.array(z.string()).optional(),
    /** Appended when the task has a turn limit (`["--max-turns", "{maxTurns}"]`). */
    maxTurnsArgv: z.array(z.string()).optional(),
    model,
    resultFile: resultFile("optional"),
    env,
  })
  .refine((c) => c.argv !== undefined || c.preset !== undefined, {
    message: "needs argv or a preset",
    path: ["argv"],
  });
export type CommandBackendConfig = z.infer<typeof CommandBackendConfig>;

/** `claude-code`: the `claude` CLI in print mode with stream-json output. */
export const ClaudeCodeBackendConfig = z.strictObject({
  type: z.literal("claude-code"),
  command: z.string().min(1).default("claude"),
  model,
  maxTurns,
  /**
   * `bypassPermissions` suits a sandboxed agent (Claude Code refuses it as root; the
   * sandbox runs agents as their own uid). With `allowedTools`, only those run unasked.
   */
  permissionMode: z
    .enum(["bypassPermissions", "acceptEdits", "default", "plan", "dontAsk"])
    .default("bypassPermissions"),
  allowedTools: z.array(z.string().min(1)).optional(),
  disallowedTools: z.array(z.string().min(1)).optional(),
  appendSystemPrompt: z.string().optional(),
  /** Which credential the CLI gets: an API key, or a Claude subscription's OAuth token. */
  credential: z.enum(["ANTHROPIC_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN"]).default("ANTHROPIC_API_KEY"),
  /** Messages API endpoint; default `ANTHROPIC_BASE_URL` of the executor, else Anthropic's. */
  baseUrl,
  maxRetries,
  rateLimitFallback,
  resultFile: resultFile("required"),
  env,
});
export type ClaudeCodeBackendConfig = z.infer<typeof ClaudeCodeBackendConfig>;

/** `codex`: `codex exec --json`, through a provider entry so any Responses endpoint works. */
export const CodexBackendConfig = z.strictObject({
  type: z.literal("codex"),
  command: z.string().min(1).default("codex"),
  model,
  maxTurns,
  /**
   * Codex's own sandbox for the commands it runs. nightshift's sandbox already contains
   * the agent, and codex's bubblewrap cannot nest in it, so the default is full access.
   */
  sandbox: z
    .enum(["danger-full-access", "workspace-write", "read-only"])
    .default("danger-full-access"),
  /** Responses API endpoint ending in `/v1`; default `OPENAI_BASE_URL`, else OpenAI's. */
  baseUrl,
  reasoningEffort: z.enum(["minimal", "low", "medium", "high"]).optional(),
  maxRetries,
  rateLimitFallback,
  resultFile: resultFile("required"),
  env,
});
export type CodexBackendConfig = z.infer<typeof CodexBackendConfig>;

export const ANTHROPIC_TOOLS = [
  "read_file",
  "write_file",
  "edit_file",
  "list_files",
  "search",
  "run_shell",
] as const;

/** `anthropic`: nightshift's own tool-use loop on the Messages API; tools run in the sandbox. */
export const AnthropicBackendConfig = z.strictObject({
  type: z.literal("anthropic"),
  model: z.string().min(1).default("claude-sonnet-4-6"),
  maxTurns: z.number().int().positive().default(50),
  maxTokens: z.number().int().positive().default(8192),
  systemPrompt: z.string().optional(),
  tools: z.array(z.enum(ANTHROPIC_TOOLS)).default([...ANTHROPIC_TOOLS]),
  /** Wall-clock limit of one `run_shell` call. */
  shellTimeout: duration().default(120_000),
  baseUrl,
  maxRetries,
  rateLimitFallback,
  /** Model requests this executor process sends per minute at most (a sliding window). */
  requestsPerMinute: z.number().int().positive().optional(),
  resultFile: resultFile("required"),
  env,
});
export type AnthropicBackendConfig = z.infer<typeof AnthropicBackendConfig>;

export const BackendConfig = z.discriminatedUnion("type", [
  CommandBackendConfig,
  ClaudeCodeBackendConfig,
  CodexBackendConfig,
  AnthropicBackendConfig,
]);
export type BackendConfig = z.infer<typeof BackendConfig>;

export const BackendsConfig = z.record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/), BackendConfig);
export type BackendsConfig = z.infer<typeof BackendsConfig>;
