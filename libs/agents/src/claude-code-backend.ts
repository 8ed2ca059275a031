import type { ClaudeCodeBackendConfig } from "@nightshift/config";
import { definedEnv, findCli, requireCredential, type BackendDeps } from "./backend-deps.ts";
import { ClaudeStream } from "./claude-code-stream.ts";
import { runCli } from "./run-cli.ts";
import type { AgentBackend, AgentRunInput, AgentRunResult } from "./types.ts";
import { UsageMeter } from "./usage-meter.ts";

/** The `claude` arguments for one run; the prompt goes to stdin. */
export function claudeArgs(cfg: ClaudeCodeBackendConfig, input: AgentRunInput): string[] {
  const a = ["-p", "--output-format", "stream-json", "--verbose"];
  const model = input.model ?? cfg.model;
  if (model !== undefined) a.push("--model", model);
  const maxTurns = input.maxTurns ?? cfg.maxTurns;
  if (maxTurns !== undefined) a.push("--max-turns", String(maxTurns));
  a.push("--permission-mode", cfg.permissionMode);
  if (cfg.allowedTools?.length) a.push("--allowedTools", cfg.allowedTools.join(","));
  if (cfg.disallowedTools?.length) a.push("--disallowedTools", cfg.disallowedTools.join(","));
  const system = [cfg.appendSystemPrompt, input.systemPrompt].filter(Boolean).join("\n\n");
  if (system !== "") a.push("--append-system-prompt", system);
  if (input.resume) a.push("--resume", input.resume.sessionId);
  return a;
}

/** Claude Code (`claude -p`, stream-json), with its turn limit, session resume and rate-limit events. */
export function claudeCodeBackend(
  name: string,
  cfg: ClaudeCodeBackendConfig,
  deps: BackendDeps,
): AgentBackend {
  return {
    name,
    async run(input: AgentRunInput): Promise<AgentRunResult> {
      const credential = requireCredential(deps, name, cfg.credential);
      const cli = findCli(name, cfg.command, input.env["PATH"]);
      const meter = new UsageMeter(deps.prices, input.model ?? cfg.model, input.emit);
      const stream = new ClaudeStream(meter, input.emit, cfg.rateLimitFallback, deps.now);
      const run = runCli(input, {
        argv: [cli.path, ...claudeArgs(cfg, input)],
        readOnly: cli.readOnly,
        stdin: input.prompt,
        env: definedEnv({
          ...input.env,
          ...cfg.env,
          [cfg.credential]: credential,
          ANTHROPIC_BASE_URL: cfg.baseUrl ?? deps.env["ANTHROPIC_BASE_URL"],
          CLAUDE_CODE_MAX_RETRIES: String(cfg.maxRetries),
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
          DISABLE_TELEMETRY: "1",
          DISABLE_ERROR_REPORTING: "1",
          DISABLE_AUTOUPDATER: "1",
        }),
        onStdout: (line) => {
          const before = stream.sessionId;
          stream.line(line);
          if (stream.sessionId !== undefined && stream.sessionId !== before)
            input.onSession?.(stream.sessionId);
        },
      });
      const exit = await run.done;
      const aborted =
        exit.aborted ?? (stream.resultSubtype === "error_max_turns" ? "max-turns" : undefined);
      if (!stream.sawResult && exit.aborted === undefined)
        stream.error ??= `claude exited (${exit.signal ?? exit.code}) without a result`;
      const model = meter.model;
      return {
        exitCode: exit.code,
        signal: exit.signal,
        usage: meter.snapshot(),
        ...(stream.sessionId !== undefined ? { sessionId: stream.sessionId } : {}),
        ...(stream.finalText !== undefined ? { finalText: stream.finalText } : {}),
        ...(aborted !== undefined ? { aborted } : {}),
        ...(stream.rateLimit ? { rateLimit: stream.rateLimit } : {}),
        ...(stream.error !== undefined && aborted !== "max-turns" ? { error: stream.error } : {}),
        ...(model !== undefined ? { model } : {}),
      };
    },
  };
}
