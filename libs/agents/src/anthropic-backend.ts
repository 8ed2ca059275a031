import type { AnthropicBackendConfig } from "@nightshift/config";
import { runTool, TOOL_SPECS, type ToolContext } from "./agent-tools.ts";
import {
  anthropicClient,
  ModelApiError,
  ModelRequestAborted,
  type MessageParam,
  type ModelClient,
  type TextBlockParam,
  type Tool,
} from "./anthropic-client.ts";
import { AnthropicSession } from "./anthropic-session.ts";
import { definedEnv, requireCredential, type BackendDeps } from "./backend-deps.ts";
import type { AgentBackend, AgentRunInput, AgentRunResult, RateLimitSignal } from "./types.ts";
import { RequestWindow } from "./request-window.ts";
import { UsageMeter } from "./usage-meter.ts";
import { WorkspaceFiles } from "./workspace-files.ts";

const BASE_PROMPT = `You are an autonomous software engineer working alone in a git repository (the workspace).
Use the tools to read, search, change and test the code. Paths are relative to the workspace.
Nobody answers questions during the run: decide, act, and finish with a short summary of what you did.`;

const EPHEMERAL = { type: "ephemeral" } as const;

/**
 * The request with prompt-cache breakpoints: after the tools, after the system prompt, and
 * at the end of the conversation so far, so each turn reads what the previous one wrote.
 */
function withCacheBreakpoints(
  tools: Tool[],
  system: TextBlockParam[],
  messages: MessageParam[],
): { tools: Tool[]; system: TextBlockParam[]; messages: MessageParam[] } {
  const lastTool = tools.length - 1;
  const lastSys = system.length - 1;
  const lastMsg = messages.length - 1;
  return {
    tools: tools.map((t, i) => (i === lastTool ? { ...t, cache_control: EPHEMERAL } : t)),
    system: system.map((b, i) => (i === lastSys ? { ...b, cache_control: EPHEMERAL } : b)),
    messages: messages.map((m, i) => {
      if (i !== lastMsg) return m;
      const blocks =
        typeof m.content === "string" ? [{ type: "text" as const, text: m.content }] : m.content;
      const end = blocks.length - 1;
      return {
        ...m,
        content: blocks.map((b, j) => (j === end ? { ...b, cache_control: EPHEMERAL } : b)),
      } as MessageParam;
    }),
  };
}

/** nightshift's own agent loop on the Messages API; tools run in the sandbox and the workspace. */
/** Adds a text note to the last user message (the prompt or the latest tool results). */
function appendUserText(messages: MessageParam[], text: string): void {
  const last = messages[messages.length - 1];
  if (last?.role !== "user") {
    messages.push({ role: "user", content: text });
    return;
  }
  const blocks =
    typeof last.content === "string"
      ? [{ type: "text" as const, text: last.content }]
      : last.content;
  last.content = [...blocks, { type: "text", text }];
}

export function anthropicBackend(
  name: string,
  cfg: AnthropicBackendConfig,
  deps: BackendDeps,
): AgentBackend {
  const tools = TOOL_SPECS.filter((t) => cfg.tools.includes(t.name)) as unknown as Tool[];
  // Shared by every task this backend runs in this process.
  const limiter =
    cfg.requestsPerMinute !== undefined
      ? new RequestWindow(cfg.requestsPerMinute, deps.requestWindowMs ?? 60_000)
      : undefined;
  return {
    name,
    async run(input: AgentRunInput): Promise<AgentRunResult> {
      const client: ModelClient = anthropicClient({
        apiKey: requireCredential(deps, name, "ANTHROPIC_API_KEY"),
        baseURL: cfg.baseUrl ?? deps.env["ANTHROPIC_BASE_URL"],
        maxRetries: cfg.maxRetries,
        rateLimitFallbackMs: cfg.rateLimitFallback,
        ...(deps.now ? { now: deps.now } : {}),
      });
      const model = input.model ?? cfg.model;
      const maxTurns = input.maxTurns ?? cfg.maxTurns;
      const home = input.env["HOME"] ?? input.workspace;
      const session =
        (input.resume
          ? await AnthropicSession.load(home, input.resume.sessionId, input.owner)
          : undefined) ?? AnthropicSession.fresh(home, input.owner);
      if (input.resume && session.id !== input.resume.sessionId)
        input.emit({
          type: "log",
          level: "warn",
          message: `session ${input.resume.sessionId} not found here; starting a new one`,
        });
      const meter = new UsageMeter(deps.prices, model, input.emit);
      const system: TextBlockParam[] = [
        {
          type: "text",
          text: [BASE_PROMPT, cfg.systemPrompt, input.systemPrompt].filter(Boolean).join("\n\n"),
        },
      ];
      const ctx: ToolContext = {
        files: new WorkspaceFiles(input.workspace, input.owner),
        sandbox: input.sandbox,
        env: definedEnv({ ...input.env, ...cfg.env }),
        shellTimeoutMs: cfg.shellTimeout,
        killGraceMs: input.killGraceMs,
        signal: input.signal,
      };
      session.messages.push({ role: "user", content: input.prompt });
      input.onSession?.(session.id);
      // The loop runs in the executor; its tools run in the sandbox.
      input.onSpawn?.(process.pid, performance.timeOrigin + performance.now());

      let finalText: string | undefined;
      let aborted: string | undefined;
      let error: string | undefined;
      let rateLimit: RateLimitSignal | undefined;
      let wrappedUp = false;
      for (;;) {
        if (input.signal.aborted) {
          aborted = String(input.signal.reason ?? "aborted");
          break;
        }
        if (meter.turns >= maxTurns) {
          aborted = "max-turns";
          break;
        }
        if (meter.turns > 0 && input.betweenTurns) await input.betweenTurns(meter.turns);
        if (input.signal.aborted) {
          aborted = String(input.signal.reason ?? "aborted");
          break;
        }
        if (input.wrapUp?.aborted === true && !wrappedUp) {
          wrappedUp = true;
          appendUserText(session.messages, `[nightshift] ${String(input.wrapUp.reason)}`);
        }
        try {
          await limiter?.take(input.signal);
        } catch {
          aborted = String(input.signal.reason ?? "aborted");
          break;
        }
        let reply;
        try {
          reply = await client.send(
            {
              model,
              maxTokens: cfg.maxTokens,
              ...withCacheBreakpoints(tools, system, session.messages),
            },
            input.signal,
            (text) => input.emit({ type: "assistant", text }),
          );
        } catch (err) {
          if (err instanceof ModelRequestAborted) {
            aborted = String(input.signal.reason ?? "aborted");
            break;
          }
          if (!(err instanceof ModelApiError)) throw err;
          error = err.message;
          rateLimit = err.rateLimit;
          input.emit({
            type: "error",
            message: err.message,
            code: err.status === undefined ? "model-api" : `http-${err.status}`,
          });
          break;
        }
        const u = reply.usage;
        meter.add(
          {
            inputTokens: u.input_tokens,
            outputTokens: u.output_tokens,
            cacheWriteTokens: u.cache_creation_input_tokens ?? 0,
            cacheReadTokens: u.cache_read_input_tokens ?? 0,
          },
          true,
        );
        session.messages.push({ role: "assistant", content: reply.content });
        await session.save(model);
        const calls = reply.content.filter((b) => b.type === "tool_use");
        const texts = reply.content.filter((b) => b.type === "text").map((b) => b.text);
        if (texts.length > 0) finalText = texts.join("\n");
        if (reply.stop_reason !== "tool_use" || calls.length === 0) break;
        const results = [];
        for (const call of calls) {
          input.emit({ type: "tool_call", id: call.id, name: call.name, input: call.input });
          const r = await runTool(ctx, call.name, call.input);
          input.emit({
            type: "tool_result",
            id: call.id,
            output: r.output.slice(0, 8000),
            isError: r.isError,
          });
          results.push({
            type: "tool_result" as const,
            tool_use_id: call.id,
            content: r.output,
            is_error: r.isError,
          });
        }
        session.messages.push({ role: "user", content: results });
        await session.save(model);
      }
      const ok = aborted === undefined && error === undefined;
      return {
        exitCode: ok ? 0 : aborted !== undefined && aborted !== "max-turns" ? null : 1,
        signal: null,
        usage: meter.snapshot(),
        sessionId: session.id,
        model,
        ...(finalText !== undefined ? { finalText } : {}),
        ...(aborted !== undefined ? { aborted } : {}),
        ...(error !== undefined ? { error } : {}),
        ...(rateLimit ? { rateLimit } : {}),
      };
    },
  };
}
