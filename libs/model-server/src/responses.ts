import type { ServerResponse } from "node:http";
import { z } from "zod";
import { estimateTokens, type PromptCache, type Segment } from "./prompt-cache.ts";
import type { ErrorReply, MessageReply, ScriptedUsage } from "./script.ts";
import { chunks, sendEvent, sendJson, startSse } from "./sse.ts";

const Item = z.looseObject({ type: z.string().optional() });
type Item = z.infer<typeof Item>;

/** The part of an OpenAI Responses API request the server checks. */
export const ResponsesRequest = z.looseObject({
  model: z.string().min(1),
  stream: z.boolean().optional(),
  instructions: z.string().optional(),
  input: z.union([z.string(), z.array(Item)]),
  tools: z.array(z.looseObject({})).optional(),
});
export type ResponsesRequest = z.infer<typeof ResponsesRequest>;

function itemsOf(req: ResponsesRequest): Item[] {
  return typeof req.input === "string"
    ? [{ type: "message", role: "user", content: req.input }]
    : req.input;
}

const CALLS = new Set(["function_call", "custom_tool_call", "local_shell_call"]);
const OUTPUTS = new Set(["function_call_output", "custom_tool_call_output"]);

/** The API's 400 for tool outputs without calls and calls without outputs. */
export function inputError(req: ResponsesRequest): string | undefined {
  const calls = new Set<string>();
  const answered = new Set<string>();
  for (const item of itemsOf(req)) {
    const id = String(item["call_id"]);
    if (item.type !== undefined && CALLS.has(item.type)) calls.add(id);
    if (item.type !== undefined && OUTPUTS.has(item.type)) {
      if (!calls.has(id)) return `No tool call found for function call output with call_id ${id}.`;
      answered.add(id);
    }
  }
  for (const id of calls)
    if (!answered.has(id)) return `No tool output found for function call ${id}.`;
  return undefined;
}

function segmentsOf(req: ResponsesRequest): Segment[] {
  const out: Segment[] = [];
  for (const t of req.tools ?? []) out.push({ text: JSON.stringify(t), breakpoint: false });
  if (req.instructions) out.push({ text: req.instructions, breakpoint: false });
  for (const i of itemsOf(req)) out.push({ text: JSON.stringify(i), breakpoint: false });
  return out;
}

/** Renders a scripted reply as a Responses API response (SSE when `stream`). */
export function writeResponse(
  res: ServerResponse,
  req: ResponsesRequest,
  reply: MessageReply,
  opts: { cache: PromptCache; newId: (prefix: string) => string; headers: Record<string, string> },
): ScriptedUsage {
  const cache = opts.cache.apply(segmentsOf(req), true);
  const output: Record<string, unknown>[] = [];
  if (reply.text !== undefined && reply.text !== "")
    output.push({
      id: opts.newId("msg_"),
      type: "message",
      status: "completed",
      role: "assistant",
      content: [{ type: "output_text", text: reply.text, annotations: [] }],
    });
  for (const call of reply.toolCalls ?? [])
    output.push({
      id: opts.newId("fc_"),
      type: "function_call",
      status: "completed",
      call_id: call.id ?? opts.newId("call_"),
      name: call.name,
      arguments: JSON.stringify(call.input),
    });
  const u = reply.usage ?? {};
  const inputTokens = u.inputTokens ?? cache.totalTokens;
  const outputTokens = u.outputTokens ?? Math.max(1, estimateTokens(JSON.stringify(output)));
  const response = {
    id: opts.newId("resp_"),
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    status: "completed",
    model: req.model,
    output,
    usage: {
      input_tokens: inputTokens,
      input_tokens_details: { cached_tokens: u.cacheReadTokens ?? cache.readTokens },
      output_tokens: outputTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: inputTokens + outputTokens,
    },
  };
  // OpenAI counts cached tokens inside input_tokens.
  const reported: ScriptedUsage = {
    inputTokens,
    outputTokens,
    cacheReadTokens: response.usage.input_tokens_details.cached_tokens,
    cacheWriteTokens: 0,
  };
  if (req.stream !== true) {
    sendJson(res, 200, response, opts.headers);
    return reported;
  }
  let seq = 0;
  const send = (type: string, data: Record<string, unknown>): void =>
    sendEvent(res, type, { type, sequence_number: seq++, ...data });
  startSse(res, opts.headers);
  send("response.created", { response: { ...response, status: "in_progress", output: [] } });
  send("response.in_progress", { response: { ...response, status: "in_progress", output: [] } });
  output.forEach((item, output_index) => {
    const item_id = String(item["id"]);
    if (item["type"] === "message") {
      const text = reply.text ?? "";
      send("response.output_item.added", {
        output_index,
        item: { ...item, status: "in_progress", content: [] },
      });
      const part = { type: "output_text", text: "", annotations: [] };
      send("response.content_part.added", { item_id, output_index, content_index: 0, part });
      for (const delta of chunks(text))
        send("response.output_text.delta", { item_id, output_index, content_index: 0, delta });
      send("response.output_text.done", { item_id, output_index, content_index: 0, text });
      send("response.content_part.done", {
        item_id,
        output_index,
        content_index: 0,
        part: { ...part, text },
      });
    } else {
      const args = String(item["arguments"]);
      send("response.output_item.added", {
        output_index,
        item: { ...item, status: "in_progress", arguments: "" },
      });
      for (const delta of chunks(args))
        send("response.function_call_arguments.delta", { item_id, output_index, delta });
      send("response.function_call_arguments.done", { item_id, output_index, arguments: args });
    }
    send("response.output_item.done", { output_index, item });
  });
  send("response.completed", { response });
  res.end();
  return reported;
}

/** An OpenAI-style error body for a scripted error. */
export function writeResponsesError(
  res: ServerResponse,
  err: ErrorReply,
  headers: Record<string, string>,
): void {
  const code = err.status === 429 ? "rate_limit_exceeded" : null;
  const type = err.status === 429 ? "requests" : err.status >= 500 ? "server_error" : err.errorType;
  sendJson(res, err.status, { error: { message: err.message, type, param: null, code } }, headers);
}
