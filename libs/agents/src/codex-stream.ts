import { z } from "zod";
import type { TaskEventBody } from "@nightshift/contracts";
import { codexTokens } from "./codex-rollout.ts";
import type { TokenCounts, UsageMeter } from "./usage-meter.ts";

const Item = z.looseObject({ id: z.string(), type: z.string() });
type Item = z.infer<typeof Item>;

const Event = z.looseObject({
  type: z.string(),
  thread_id: z.string().optional(),
  item: Item.optional(),
  usage: z.looseObject({}).optional(),
  error: z.looseObject({ message: z.string() }).optional(),
  message: z.string().optional(),
});

/** Items that are the model calling a tool; their completion hands control back to the model. */
const TOOL_ITEMS = new Set(["command_execution", "file_change", "mcp_tool_call", "web_search"]);
const MAX_OUTPUT = 8000;

function text(v: unknown, fallback = ""): string {
  return typeof v === "string" ? v : v === undefined || v === null ? fallback : JSON.stringify(v);
}

function toolCall(item: Item): { name: string; input: unknown } {
  switch (item.type) {
    case "command_execution":
      return { name: "shell", input: { command: item["command"] } };
    case "file_change":
      return { name: "apply_patch", input: { changes: item["changes"] } };
    case "mcp_tool_call":
      return {
        name: `${String(item["server"])}.${String(item["tool"])}`,
        input: item["arguments"],
      };
    default:
      return { name: item.type, input: { query: item["query"] } };
  }
}

function toolOutput(item: Item): { output: string; isError: boolean } {
  if (item.type === "command_execution")
    return {
      output: text(item["aggregated_output"]),
      isError:
        item["status"] === "failed" ||
        (typeof item["exit_code"] === "number" && item["exit_code"] !== 0),
    };
  if (item.type === "mcp_tool_call")
    return {
      output: JSON.stringify(item["result"] ?? item["error"] ?? null),
      isError: item["error"] !== undefined && item["error"] !== null,
    };
  return {
    output: JSON.stringify(item["changes"] ?? item["status"] ?? ""),
    isError: item["status"] === "failed",
  };
}

/**
 * Reads `codex exec --json` events: normalises them into task events, counts model turns
 * (a turn starts with the first output after the previous tool results) and reports when
 * the turn limit is reached.
 */
export class CodexStream {
  threadId: string | undefined;
  finalText: string | undefined;
  error: string | undefined;
  /** Thread-cumulative usage from the last `turn.completed`. */
  totals: TokenCounts | undefined;
  readonly #started = new Set<string>();
  #inTurn = false;
  readonly #meter: UsageMeter;
  readonly #emit: (e: TaskEventBody) => void;
  readonly #maxTurns: number | undefined;
  readonly #onTurnLimit: () => void;

  constructor(
    meter: UsageMeter,
    emit: (e: TaskEventBody) => void,
    maxTurns: number | undefined,
    onTurnLimit: () => void,
  ) {
    this.#meter = meter;
    this.#emit = emit;
    this.#maxTurns = maxTurns;
    this.#onTurnLimit = onTurnLimit;
  }

  line(raw: string): void {
    if (raw.trim() === "") return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      this.#emit({ type: "output", stream: "stdout", line: raw });
      return;
    }
    const ev = Event.safeParse(parsed);
    if (!ev.success) return;
    const e = ev.data;
    switch (e.type) {
      case "thread.started":
        this.threadId = e.thread_id;
        return;
      case "item.started":
        if (e.item) this.#itemStarted(e.item);
        return;
      case "item.completed":
        if (e.item) this.#itemCompleted(e.item);
        return;
      case "turn.completed":
        if (e.usage) this.totals = codexTokens(e.usage);
        return;
      case "turn.failed":
        return this.#error(e.error?.message ?? "codex turn failed");
      case "error":
        if (e.message !== undefined) this.#error(e.message);
        return;
      default:
        return;
    }
  }

  /** Codex reports a failure as `error` and again as `turn.failed`: one event is enough. */
  #error(message: string): void {
    if (message !== this.error) this.#emit({ type: "error", message, code: "codex" });
    this.error = message;
  }

  #modelOutput(): void {
    if (this.#inTurn) return;
    this.#inTurn = true;
    this.#meter.turn();
  }

  #itemStarted(item: Item): void {
    if (!TOOL_ITEMS.has(item.type)) return;
    this.#modelOutput();
    this.#started.add(item.id);
    this.#emit({ type: "tool_call", id: item.id, ...toolCall(item) });
  }

  #itemCompleted(item: Item): void {
    if (item.type === "agent_message") {
      this.#modelOutput();
      const said = text(item["text"]);
      this.finalText = said;
      this.#emit({ type: "assistant", text: said });
    } else if (item.type === "reasoning") {
      this.#modelOutput();
    } else if (item.type === "error") {
      this.#emit({
        type: "log",
        level: "warn",
        message: text(item["message"], "codex error item"),
      });
    } else if (TOOL_ITEMS.has(item.type)) {
      if (!this.#started.has(item.id)) {
        this.#modelOutput();
        this.#emit({ type: "tool_call", id: item.id, ...toolCall(item) });
      }
      const { output, isError } = toolOutput(item);
      this.#emit({
        type: "tool_result",
        id: item.id,
        output: output.slice(0, MAX_OUTPUT),
        isError,
      });
      // The model is called again next: a new turn, unless the limit is reached.
      this.#inTurn = false;
      if (this.#maxTurns !== undefined && this.#meter.turns >= this.#maxTurns) this.#onTurnLimit();
    }
  }
}
