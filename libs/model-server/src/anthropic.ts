import type { ServerResponse } from "node:http";
import { z } from "zod";
import { estimateTokens, type PromptCache, type Segment } from "./prompt-cache.ts";
import type { MessageReply, ScriptedUsage } from "./script.ts";
import { chunks, sendEvent, sendJson, startSse } from "./sse.ts";

const Block = z.looseObject({ type: z.string(), cache_control: z.unknown().optional() });
type Block = z.infer<typeof Block>;

/** The part of a Messages API request the server checks, as the real API does. */
export const MessagesRequest = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  stream: z.boolean().optional(),
  system: z.union([z.string(), z.array(Block)]).optional(),
  tools: z
    .array(z.looseObject({ name: z.string(), cache_control: z.unknown().optional() }))
    .optional(),
  messages: z
    .array(
      z.looseObject({
        // Claude Code sends `system` messages inside the conversation (skill listings …).
        role: z.enum(["user", "assistant", "system"]),
        content: z.union([z.string(), z.array(Block)]),
      }),
    )
    .min(1),
});
export type MessagesRequest = z.infer<typeof MessagesRequest>;

function blocksOf(content: string | Block[]): Block[] {
  return typeof content === "string" ? [{ type: "text", text: content }] : content;
}

function idsOf(blocks: Block[], type: string, key: string): string[] {
  return blocks.filter((b) => b.type === type).map((b) => String(b[key]));
}

/** The API's own 400s for malformed conversations; undefined when the request is fine. */
export function conversationError(req: MessagesRequest): string | undefined {
  const msgs = req.messages.filter((m) => m.role !== "system");
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i]!;
    const blocks = blocksOf(m.content);
    if (m.role === "assistant") {
      const uses = idsOf(blocks, "tool_use", "id");
      const next = msgs[i + 1];
      if (uses.length === 0 || next === undefined) continue;
      const results = new Set(idsOf(blocksOf(next.content), "tool_result", "tool_use_id"));
      const missing = uses.filter((id) => !results.has(id));
      if (next.role !== "user" || missing.length > 0)
        return `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(", ")}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
    } else {
      const results = idsOf(blocks, "tool_result", "tool_use_id");
      if (results.length === 0) continue;
      const prev = i > 0 ? msgs[i - 1] : undefined;
      const uses = new Set(prev ? idsOf(blocksOf(prev.content), "tool_use", "id") : []);
      const unexpected = results.filter((id) => !uses.has(id));
      if (unexpected.length > 0)
        return `messages.${i}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${unexpected.join(", ")}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
    }
  }
  const breakpoints = segmentsOf(req).filter((s) => s.breakpoint).length;
  if (breakpoints > 4)
    return `A maximum of 4 blocks with cache_control may be provided. Found ${breakpoints}.`;
  return undefined;
}

function withoutCacheControl(b: Record<string, unknown>): string {
  const { cache_control: _cc, ...rest } = b;
  return JSON.stringify(rest);
}

/** Tools, then system, then messages: the order in which the API builds its cache prefix. */
export function segmentsOf(req: MessagesRequest): Segment[] {
  const out: Segment[] = [];
  for (const t of req.tools ?? [])
    out.push({ text: withoutCacheControl(t), breakpoint: t.cache_control !== undefined });
  for (const b of blocksOf(req.system ?? []))
    out.push({ text: withoutCacheControl(b), breakpoint: b.cache_control !== undefined });
  for (const m of req.messages) {
    out.push({ text: m.role, breakpoint: false });
    for (const b of blocksOf(m.content))
      out.push({ text: withoutCacheControl(b), breakpoint: b.cache_control !== undefined });
  }
  return out;
}

/** Renders a scripted reply as a Messages API response, JSON or streamed. */
export function writeMessage(
  res: ServerResponse,
  req: MessagesRequest,
  reply: MessageReply,
  opts: { cache: PromptCache; newId: (prefix: string) => string; headers: Record<string, string> },
): ScriptedUsage {
  const cache = opts.cache.apply(segmentsOf(req));
  const content: Record<string, unknown>[] = [];
  if (reply.text !== undefined && reply.text !== "")
    content.push({ type: "text", text: reply.text });
  for (const call of reply.toolCalls ?? [])
    content.push({
      type: "tool_use",
      id: call.id ?? opts.newId("toolu_"),
      name: call.name,
      input: call.input,
    });
  const stopReason = (reply.toolCalls?.length ?? 0) > 0 ? "tool_use" : "end_turn";
  const u = reply.usage ?? {};
  const usage = {
    input_tokens: u.inputTokens ?? cache.totalTokens - cache.readTokens - cache.writeTokens,
    cache_creation_input_tokens: u.cacheWriteTokens ?? cache.writeTokens,
    cache_read_input_tokens: u.cacheReadTokens ?? cache.readTokens,
    output_tokens: u.outputTokens ?? Math.max(1, estimateTokens(JSON.stringify(content))),
    service_tier: "standard",
  };
  const message = {
    id: opts.newId("msg_"),
    type: "message",
    role: "assistant",
    model: req.model,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage,
  };
  const reported: ScriptedUsage = {
    inputTokens: usage.input_tokens,
    outputTokens: usage.output_tokens,
    cacheReadTokens: usage.cache_read_input_tokens,
    cacheWriteTokens: usage.cache_creation_input_tokens,
  };
  if (req.stream !== true) {
    sendJson(res, 200, message, opts.headers);
    return reported;
  }
  startSse(res, opts.headers);
  sendEvent(res, "message_start", {
    type: "message_start",
    message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } },
  });
  sendEvent(res, "ping", { type: "ping" });
  content.forEach((block, index) => {
    if (block["type"] === "text") {
      sendEvent(res, "content_block_start", {
        type: "content_block_start",
        index,
        content_block: { type: "text", text: "" },
      });
      for (const text of chunks(String(block["text"])))
        sendEvent(res, "content_block_delta", {
          type: "content_block_delta",
          index,
          delta: { type: "text_delta", text },
        });
    } else {
      sendEvent(res, "content_block_start", {
        type: "content_block_start",
        index,
        content_block: { ...block, input: {} },
      });
      for (const partial_json of chunks(JSON.stringify(block["input"])))
        sendEvent(res, "content_block_delta", {
          type: "content_block_delta",
          index,
          delta: { type: "input_json_delta", partial_json },
        });
    }
    sendEvent(res, "content_block_stop", { type: "content_block_stop", index });
  });
  sendEvent(res, "message_delta", {
    type: "message_delta",
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage,
  });
  sendEvent(res, "message_stop", { type: "message_stop" });
  res.end();
  return reported;
}

/** `POST /v1/messages/count_tokens`. */
export function countTokens(req: MessagesRequest): { input_tokens: number } {
  return {
    input_tokens: segmentsOf(req).reduce((n, s) => n + estimateTokens(s.text), 0),
  };
}
