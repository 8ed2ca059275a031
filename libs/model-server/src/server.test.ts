import Anthropic from "@anthropic-ai/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { reply } from "./script.ts";
import { startModelServer, type ModelServer } from "./server.ts";

const servers: ModelServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(opts: Parameters<typeof startModelServer>[0] = {}): Promise<ModelServer> {
  const s = await startModelServer(opts);
  servers.push(s);
  return s;
}

function client(s: ModelServer, apiKey = "sk-test"): Anthropic {
  return new Anthropic({ apiKey, baseURL: s.url, maxRetries: 0 });
}

const tools = [
  {
    name: "write_file",
    description: "Writes a file",
    input_schema: {
      type: "object" as const,
      properties: { path: { type: "string" }, content: { type: "string" } },
    },
  },
];

describe("model server: Anthropic Messages API", () => {
  it("streams text and tool calls that the SDK assembles into a message", async () => {
    const s = await server();
    s.script(reply.tool("write_file", { path: "a.txt", content: "hello" }, { text: "Writing." }));
    const stream = client(s).messages.stream({
      model: "claude-sonnet-4-6",
      max_tokens: 100,
      tools,
      messages: [{ role: "user", content: "write a file" }],
    });
    const texts: string[] = [];
    stream.on("text", (t) => texts.push(t));
    const msg = await stream.finalMessage();
    expect(texts.join("")).toBe("Writing.");
    expect(msg.stop_reason).toBe("tool_use");
    expect(msg.content).toEqual([
      expect.objectContaining({ type: "text", text: "Writing." }),
      expect.objectContaining({
        type: "tool_use",
        name: "write_file",
        input: { path: "a.txt", content: "hello" },
      }),
    ]);
    expect(msg.usage.input_tokens).toBeGreaterThan(0);
    expect(msg.usage.output_tokens).toBeGreaterThan(0);
    expect(s.modelRequests()[0]?.apiKey).toBe("sk-test");
  });

  it("answers JSON requests and reports cache writes, then cache reads, for a cached prefix", async () => {
    const s = await server({ cacheMinTokens: 10 });
    s.script(reply.text("one"), reply.text("two"));
    const system = [
      {
        type: "text" as const,
        text: "x".repeat(400),
        cache_control: { type: "ephemeral" as const },
      },
    ];
    const c = client(s);
    const first = await c.messages.create({
      model: "m",
      max_tokens: 10,
      system,
      messages: [{ role: "user", content: "hi" }],
    });
    const second = await c.messages.create({
      model: "m",
      max_tokens: 10,
      system,
      messages: [{ role: "user", content: "hi again" }],
    });
    expect(first.content).toEqual([expect.objectContaining({ type: "text", text: "one" })]);
    const prefix = first.usage.cache_creation_input_tokens ?? 0;
    expect(prefix).toBeGreaterThanOrEqual(100);
    expect(first.usage.cache_read_input_tokens).toBe(0);
    expect(second.usage.cache_read_input_tokens).toBe(prefix);
    expect(second.usage.cache_creation_input_tokens).toBe(0);
    expect(second.usage.input_tokens).toBeGreaterThan(0);
  });

  it("refuses a tool_use without its tool_result, as the real API does", async () => {
    const s = await server();
    s.script(reply.text("never"));
    const err = await client(s)
      .messages.create({
        model: "m",
        max_tokens: 10,
        messages: [
          { role: "user", content: "go" },
          {
            role: "assistant",
            content: [{ type: "tool_use", id: "toolu_1", name: "write_file", input: {} }],
          },
          { role: "user", content: "no result here" },
        ],
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect((err as Error).message).toMatch(/tool_use` ids were found without `tool_result`/);
    expect(s.pending()).toBe(1);
  });

  it("answers a scripted 429 with retry-after and rate-limit headers, and 5xx errors", async () => {
    const s = await server();
    const resetAt = new Date(Date.now() + 42_000);
    s.script(reply.rateLimited({ retryAfterSec: 42, resetAt }), reply.serverError(503));
    const c = client(s);
    const err = (await c.messages
      .create({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e)) as InstanceType<typeof Anthropic.RateLimitError>;
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    expect(err.headers.get("retry-after")).toBe("42");
    expect(err.headers.get("anthropic-ratelimit-requests-remaining")).toBe("0");
    expect(Date.parse(err.headers.get("anthropic-ratelimit-requests-reset") ?? "")).toBe(
      Math.floor(resetAt.getTime() / 1000) * 1000,
    );
    const err5 = await c.messages
      .create({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(err5).toBeInstanceOf(Anthropic.InternalServerError);
    expect((err5 as { status: number }).status).toBe(503);
  });

  it("answers structured-output side requests from their schema without using the script", async () => {
    const s = await server();
    s.script(reply.text("the scripted turn"));
    const res = await fetch(`${s.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": "k" },
      body: JSON.stringify({
        model: "m",
        max_tokens: 100,
        messages: [{ role: "user", content: "title this session" }],
        output_config: {
          format: {
            type: "json_schema",
            schema: {
              type: "object",
              properties: { title: { type: "string" }, n: { type: "integer" } },
              required: ["title", "n"],
            },
          },
        },
      }),
    });
    const body = (await res.json()) as { content: { text: string }[] };
    expect(JSON.parse(body.content[0]!.text)).toEqual({ title: "scripted", n: 0 });
    expect(s.pending()).toBe(1);
    expect(s.requests[0]?.answer).toBe("structured");
    expect(s.clear()).toBe(1);
    expect(s.pending()).toBe(0);
  });

  it("rejects a wrong API key with 401 and says when the script ran out", async () => {
    const s = await server({ apiKey: "right" });
    const wrong = await client(s, "wrong")
      .messages.create({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(Anthropic.AuthenticationError);
    const empty = await client(s, "right")
      .messages.create({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect((empty as Error).message).toMatch(/no reply left/);
    expect(s.requests.map((r) => r.answer)).toEqual(["401", "400"]);
  });
});

interface SseData {
  sequence_number: number;
  item?: Record<string, unknown>;
  response?: { usage: { input_tokens: number } };
}

async function sse(url: string, body: unknown): Promise<{ event: string; data: SseData }[]> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer k" },
    body: JSON.stringify(body),
  });
  expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
  const text = await res.text();
  return text
    .trim()
    .split("\n\n")
    .map((block) => {
      const [ev, data] = block.split("\n");
      return { event: ev!.slice(7), data: JSON.parse(data!.slice(6)) as SseData };
    });
}

describe("model server: OpenAI Responses API", () => {
  it("streams a function call and a message the way codex reads them", async () => {
    const s = await server();
    s.script(reply.tool("exec_command", { cmd: "ls" }, { text: "Listing.", id: "call_1" }));
    const events = await sse(`${s.openaiBaseUrl}/responses`, {
      model: "gpt-5-codex",
      stream: true,
      input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "go" }] }],
    });
    expect(events[0]!.event).toBe("response.created");
    const done = events
      .filter((e) => e.event === "response.output_item.done")
      .map((e) => e.data.item);
    expect(done).toEqual([
      expect.objectContaining({
        type: "message",
        content: [{ type: "output_text", text: "Listing.", annotations: [] }],
      }),
      expect.objectContaining({
        type: "function_call",
        name: "exec_command",
        call_id: "call_1",
        arguments: '{"cmd":"ls"}',
      }),
    ]);
    const completed = events.at(-1)!;
    expect(completed.event).toBe("response.completed");
    expect(completed.data.response?.usage.input_tokens).toBeGreaterThan(0);
    expect(events.map((e) => e.data.sequence_number)).toEqual(events.map((_, i) => i));
  });

  it("refuses a function_call_output without its call, and sends 429 as OpenAI does", async () => {
    const s = await server();
    s.script(reply.rateLimited({ retryAfterSec: 3 }));
    const bad = await fetch(`${s.openaiBaseUrl}/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "m",
        input: [{ type: "function_call_output", call_id: "call_x", output: "?" }],
      }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(
      /No tool call found for function call output with call_id call_x/,
    );
    const limited = await fetch(`${s.openaiBaseUrl}/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", input: "hi", stream: true }),
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("3");
    expect(limited.headers.get("x-ratelimit-remaining-requests")).toBe("0");
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe(
      "rate_limit_exceeded",
    );
  });
});
