/** A tool call the scripted model makes. `id` is generated when absent. */
export interface ScriptedToolCall {
  name: string;
  input: Record<string, unknown>;
  id?: string;
}

/** Token counts to report instead of the server's estimates. */
export interface ScriptedUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

/** The model answers: some text, tool calls, or both (text first). */
export interface MessageReply {
  kind: "message";
  text?: string;
  toolCalls?: ScriptedToolCall[];
  usage?: Partial<ScriptedUsage>;
  /** Delay before the response starts, to let tests act while a request is in flight. */
  delayMs?: number;
}

/** The API refuses: a rate limit, an overload, a server error. */
export interface ErrorReply {
  kind: "error";
  status: number;
  /** Anthropic error type (`rate_limit_error`, `api_error`, `overloaded_error` …). */
  errorType: string;
  message: string;
  /** Seconds for the `retry-after` header. */
  retryAfterSec?: number;
  /** When the limit resets; drives the `*-reset` headers. */
  resetAt?: Date;
  /**
   * Also send Claude's subscription ("unified") rate-limit headers, which make Claude Code
   * emit a `rate_limit_event` with status `rejected`.
   */
  unified?: boolean;
}

export type Reply = MessageReply | ErrorReply;

/** Builders for scripted replies. */
export const reply = {
  text(text: string, opts: Omit<MessageReply, "kind" | "text" | "toolCalls"> = {}): MessageReply {
    return { kind: "message", text, ...opts };
  },
  tool(
    name: string,
    input: Record<string, unknown>,
    opts: Omit<MessageReply, "kind" | "toolCalls"> & { id?: string } = {},
  ): MessageReply {
    const { id, ...rest } = opts;
    return { kind: "message", ...rest, toolCalls: [{ name, input, ...(id ? { id } : {}) }] };
  },
  tools(calls: ScriptedToolCall[], opts: Omit<MessageReply, "kind" | "toolCalls"> = {}) {
    return { kind: "message", ...opts, toolCalls: calls } satisfies MessageReply;
  },
  rateLimited(
    opts: { retryAfterSec?: number; resetAt?: Date; unified?: boolean; message?: string } = {},
  ): ErrorReply {
    const retryAfterSec = opts.retryAfterSec ?? 30;
    return {
      kind: "error",
      status: 429,
      errorType: "rate_limit_error",
      message: opts.message ?? "Number of request tokens has exceeded your per-minute rate limit",
      retryAfterSec,
      resetAt: opts.resetAt ?? new Date(Date.now() + retryAfterSec * 1000),
      ...(opts.unified !== undefined ? { unified: opts.unified } : {}),
    };
  },
  serverError(status = 500, message = "Internal server error"): ErrorReply {
    return { kind: "error", status, errorType: "api_error", message };
  },
  overloaded(): ErrorReply {
    return { kind: "error", status: 529, errorType: "overloaded_error", message: "Overloaded" };
  },
};
