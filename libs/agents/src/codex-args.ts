import type { CodexBackendConfig } from "@nightshift/config";
import type { AgentRunInput } from "./types.ts";

/** Name of the provider entry nightshift defines for codex. */
export const CODEX_PROVIDER = "nightshift";

/** A TOML string (JSON's escapes are valid TOML basic-string escapes). */
const toml = (s: string): string => JSON.stringify(s);

/**
 * The `codex exec` arguments for one run; the prompt goes to stdin (`-`). The model
 * endpoint is a provider entry because codex ignores OPENAI_BASE_URL.
 */
export function codexArgs(
  cfg: CodexBackendConfig,
  input: AgentRunInput,
  baseUrl: string,
): string[] {
  const provider = [
    `name=${toml(CODEX_PROVIDER)}`,
    `base_url=${toml(baseUrl)}`,
    `env_key="OPENAI_API_KEY"`,
    `wire_api="responses"`,
    `request_max_retries=${cfg.maxRetries}`,
    `stream_max_retries=${cfg.maxRetries}`,
  ].join(",");
  const a = ["exec"];
  if (input.resume) a.push("resume");
  a.push(
    "--json",
    "--skip-git-repo-check",
    "-c",
    `model_provider=${toml(CODEX_PROVIDER)}`,
    "-c",
    `model_providers.${CODEX_PROVIDER}={${provider}}`,
    // `exec resume` takes no --sandbox flag; the config key works for both.
    "-c",
    `sandbox_mode=${toml(cfg.sandbox)}`,
    "-c",
    `approval_policy="never"`,
  );
  const model = input.model ?? cfg.model;
  if (model !== undefined) a.push("-m", model);
  if (cfg.reasoningEffort !== undefined)
    a.push("-c", `model_reasoning_effort=${toml(cfg.reasoningEffort)}`);
  if (input.systemPrompt) a.push("-c", `developer_instructions=${toml(input.systemPrompt)}`);
  if (input.resume) a.push(input.resume.sessionId);
  a.push("-");
  return a;
}
