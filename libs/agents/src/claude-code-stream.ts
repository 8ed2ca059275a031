import { z } from "zod";
import type { TaskEventBody } from "@nightshift/contracts";
import { fallbackRateLimit } from "./rate-limit.ts";
import type { RateLimitSignal } from "./types.ts";
import type { UsageMeter } from "./usage-meter.ts";

const ApiUsage = z.looseObject({
  input_tokens: z.number().default(0),
  output_tokens: z.number().default(0),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
});
type ApiUsage = z.infer<typeof ApiUsage>;

const Block = z.looseObject({ type: z.string() });

const StreamEvent = z.looseObject({
  type: z.string(),
  subtype: z.string().optional(),
  session_id: z.string().optional(),
  model: z.string().optional(),
  message: z
    .looseObject({
      id: z.string().optional(),
      model: z.string().optional(),
      content: z.union([z.string(), z.array(Block)]).optional(),
      usage: ApiUsage.optional(),
    })
    .optional(),
  error: z.string().optional(),
  rate_limit_info: z
    .looseObject({ status: z.string(), resetsAt: z.number().optional() })
    .optional(),
  is_error: z.boolean().optional(),
  api_error_status: z.number().nullish(),
  result: z.string().optional(),
  num_turns: z.number().optional(),
  usage: ApiUsage.optional(),
});

function tokens(u: ApiUsage) {
  return {
    inputTokens: u.input_tokens,
    outputTokens: u.output_tokens,
    cacheWriteTokens: u.cache_creation_input_tokens ?? 0,
    cacheReadTokens: u.cache_read_input_tokens ?? 0,
  };
}

function resultText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content))
    return content
      .map((c: { type?: string; text?: string }) => (c.type === "text" ? (c.text ?? "") : ""))
      .join("");
  return JSON.stringify(content ?? "");
}

const MAX_OUTPUT = 8000;

/**
 * Reads Claude Code's `stream-json` output: normalises it into task events and keeps
 * what the run result needs (session, final text, turn-limit and rate-limit outcomes).
 */
export class ClaudeStream {
  sessionId: string | undefined;
  finalText: string | undefined;
  resultSubtype: string | undefined;
  error: string | undefined;
  rateLimit: RateLimitSignal | undefined;
  sawResult = false;
  readonly #seen = new Set<string>();
  readonly meter: UsageMeter;
  readonly emit: (e: TaskEventBody) => void;
  readonly fallbackMs: number;
  readonly now: () => number;

  constructor(
    meter: UsageMeter,
    emit: (e: TaskEventBody) => void,
    fallbackMs: number,
    now: () => number = Date.now,
  ) {
    this.meter = meter;
    this.emit = emit;
    this.fallbackMs = fallbackMs;
    this.now = now;
  }

  line(raw: string): void {
    if (raw.trim() === "") return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      this.emit({ type: "output", stream: "stdout", line: raw });
      return;
    }
    const ev = StreamEvent.safeParse(parsed);
    if (!ev.success) return;
    const e = ev.data;
    if (e.session_id) this.sessionId = e.session_id;
    switch (e.type) {
      case "system":
        if (e.subtype === "init" && e.model) this.meter.setModel(e.model);
        return;
      case "assistant":
        return this.#assistant(e);
      case "user":
        return this.#toolResults(e.message?.content);
      case "rate_limit_event":
        return this.#rateLimitEvent(e.rate_limit_info);
      case "result":
        return this.#result(e);
      default:
        return;
    }
  }

  #assistant(e: z.infer<typeof StreamEvent>): void {
    const m = e.message;
    if (!m) return;
    const synthetic = m.model === "<synthetic>";
    if (!synthetic && m.id !== undefined && !this.#seen.has(m.id)) {
      this.#seen.add(m.id);
      this.meter.add(m.usage ? tokens(m.usage) : {}, true);
    }
    for (const block of Array.isArray(m.content) ? m.content : []) {
      if (block.type === "text" && typeof block["text"] === "string") {
        if (synthetic)
          this.emit({ type: "error", message: block["text"], code: e.error ?? "api-error" });
        else this.emit({ type: "assistant", text: block["text"] });
      } else if (block.type === "tool_use") {
        this.emit({
          type: "tool_call",
          id: String(block["id"]),
          name: String(block["name"]),
          input: block["input"],
        });
      }
    }
  }

  #toolResults(content: unknown): void {
    if (!Array.isArray(content)) return;
    for (const block of content as Record<string, unknown>[]) {
      if (block["type"] !== "tool_result") continue;
      this.emit({
        type: "tool_result",
        id: String(block["tool_use_id"]),
        output: resultText(block["content"]).slice(0, MAX_OUTPUT),
        isError: block["is_error"] === true,
      });
    }
  }

  #rateLimitEvent(info: { status: string; resetsAt?: number | undefined } | undefined): void {
    if (!info) return;
    if (info.status === "rejected") {
      const resetAt = info.resetsAt !== undefined ? info.resetsAt * 1000 : undefined;
      this.rateLimit =
        resetAt !== undefined
          ? { resetAt: new Date(resetAt).toISOString(), source: "rate-limit-event" }
          : fallbackRateLimit(this.now(), this.fallbackMs, "rate limit rejected");
    } else if (info.status === "allowed_warning") {
      this.emit({ type: "log", level: "warn", message: "Claude rate limit nearly reached" });
    }
  }

  #result(e: z.infer<typeof StreamEvent>): void {
    this.sawResult = true;
    this.resultSubtype = e.subtype;
    // The result's usage is the run's total, with the final output token counts.
    if (e.usage) this.meter.setTotals(tokens(e.usage));
    if (e.is_error === true) {
      this.error = e.result ?? e.subtype ?? "error";
      if (e.api_error_status === 429 && !this.rateLimit)
        this.rateLimit = fallbackRateLimit(this.now(), this.fallbackMs, this.error);
    } else if (e.result !== undefined) {
      this.finalText = e.result;
    }
  }
}
