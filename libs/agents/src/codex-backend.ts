import { join } from "node:path";
import type { CodexBackendConfig } from "@nightshift/config";
import { definedEnv, findCli, requireCredential, type BackendDeps } from "./backend-deps.ts";
import { codexArgs } from "./codex-args.ts";
import { findRollout, readRollout, type RolloutSummary } from "./codex-rollout.ts";
import { CodexStream } from "./codex-stream.ts";
import { fallbackRateLimit } from "./rate-limit.ts";
import { runCli, type CliRun } from "./run-cli.ts";
import type { AgentBackend, AgentRunInput, AgentRunResult, RateLimitSignal } from "./types.ts";
import { UsageMeter, type TokenCounts } from "./usage-meter.ts";

const OPENAI_URL = "https://api.openai.com/v1";

async function rolloutOf(codexHome: string, threadId: string | undefined): Promise<RolloutSummary> {
  const path = threadId === undefined ? undefined : await findRollout(codexHome, threadId);
  return path === undefined ? { calls: 0 } : readRollout(path);
}

function minus(a: TokenCounts, b: TokenCounts | undefined): TokenCounts {
  if (!b) return a;
  return {
    inputTokens: Math.max(0, a.inputTokens - b.inputTokens),
    outputTokens: Math.max(0, a.outputTokens - b.outputTokens),
    cacheReadTokens: Math.max(0, a.cacheReadTokens - b.cacheReadTokens),
    cacheWriteTokens: Math.max(0, a.cacheWriteTokens - b.cacheWriteTokens),
  };
}

const RETRY_IN = /try again in\s+(\d+(?:\.\d+)?)\s*(ms|s|sec|seconds?|m|min|minutes?|h|hours?)\b/i;

/** A rate-limit signal from codex's error text: 429s, and the delay it quotes if any. */
export function codexRateLimit(
  message: string | undefined,
  now: number,
  fallbackMs: number,
): RateLimitSignal | undefined {
  if (message === undefined || !/\b429\b|too many requests|rate.?limit|usage limit/i.test(message))
    return undefined;
  const m = RETRY_IN.exec(message);
  if (m) {
    const unit = (m[2] ?? "s").toLowerCase();
    const factor =
      unit === "ms" ? 1 : unit.startsWith("h") ? 3_600_000 : unit.startsWith("m") ? 60_000 : 1000;
    return {
      resetAt: new Date(now + Number(m[1]) * factor).toISOString(),
      source: "retry-after",
      message,
    };
  }
  return fallbackRateLimit(now, fallbackMs, message);
}

/** Codex (`codex exec --json`) with a provider entry, thread resume and a counted turn limit. */
export function codexBackend(
  name: string,
  cfg: CodexBackendConfig,
  deps: BackendDeps,
): AgentBackend {
  const now = deps.now ?? Date.now;
  return {
    name,
    async run(input: AgentRunInput): Promise<AgentRunResult> {
      const apiKey = requireCredential(deps, name, "OPENAI_API_KEY");
      const cli = findCli(name, cfg.command, input.env["PATH"]);
      const baseUrl = cfg.baseUrl ?? deps.env["OPENAI_BASE_URL"] ?? OPENAI_URL;
      const codexHome =
        input.env["CODEX_HOME"] ?? join(input.env["HOME"] ?? "/nonexistent", ".codex");
      // A resumed thread's totals include earlier attempts; this attempt pays the difference.
      const baseline = input.resume
        ? (await rolloutOf(codexHome, input.resume.sessionId)).totals
        : undefined;
      const meter = new UsageMeter(deps.prices, input.model ?? cfg.model, input.emit);
      const maxTurns = input.maxTurns ?? cfg.maxTurns;
      const holder: { run?: CliRun } = {};
      const stream = new CodexStream(meter, input.emit, maxTurns, () =>
        holder.run?.stop("max-turns"),
      );
      holder.run = runCli(input, {
        argv: [cli.path, ...codexArgs(cfg, input, baseUrl)],
        readOnly: cli.readOnly,
        stdin: input.prompt,
        stopSignal: "SIGINT",
        env: definedEnv({ ...input.env, ...cfg.env, OPENAI_API_KEY: apiKey }),
        onStdout: (line) => {
          const before = stream.threadId;
          stream.line(line);
          if (stream.threadId !== undefined && stream.threadId !== before)
            input.onSession?.(stream.threadId);
        },
      });
      const exit = await holder.run.done;
      const threadId = stream.threadId ?? input.resume?.sessionId;
      const rollout = await rolloutOf(codexHome, threadId);
      if (rollout.model !== undefined) meter.setModel(rollout.model);
      const totals = rollout.totals ?? stream.totals;
      if (totals) meter.setTotals(minus(totals, baseline));
      const rateLimit = codexRateLimit(stream.error, now(), cfg.rateLimitFallback);
      const model = meter.model;
      return {
        exitCode: exit.code,
        signal: exit.signal,
        usage: meter.snapshot(),
        ...(threadId !== undefined ? { sessionId: threadId } : {}),
        ...(stream.finalText !== undefined ? { finalText: stream.finalText } : {}),
        ...(exit.aborted !== undefined ? { aborted: exit.aborted } : {}),
        ...(rateLimit ? { rateLimit } : {}),
        ...(stream.error !== undefined && exit.aborted === undefined
          ? { error: stream.error }
          : {}),
        ...(model !== undefined ? { model } : {}),
      };
    },
  };
}
