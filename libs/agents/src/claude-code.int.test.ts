import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ClaudeCodeBackendConfig } from "@nightshift/config";
import { reply, startModelServer, type ModelServer } from "@nightshift/model-server";
import { claudeCodeBackend } from "./claude-code-backend.ts";
import { costOf, DEFAULT_PRICES, priceFor } from "./prices.ts";
import { harness, ofType, repoBin, type Harness } from "./test-harness.ts";

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

async function setup(
  cfg: Record<string, unknown> = {},
  env: Record<string, string> = {},
): Promise<{ server: ModelServer; h: Harness; backend: ReturnType<typeof claudeCodeBackend> }> {
  const server = await startModelServer({ apiKey: "sk-ant-test" });
  const h = await harness();
  open.push(h, server);
  const config = ClaudeCodeBackendConfig.parse({
    type: "claude-code",
    command: repoBin("claude"),
    model: "claude-sonnet-4-6",
    appendSystemPrompt: "Write .nightshift/result.json when done.",
    ...cfg,
  });
  const backend = claudeCodeBackend("claude", config, {
    env: { ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: server.url, ...env },
    prices: DEFAULT_PRICES,
  });
  return { server, h, backend };
}

describe("claude-code backend (real claude CLI, scripted model)", () => {
  it("edits a file through a tool call and reports turns, tokens, cost and the session", async () => {
    const { server, h, backend } = await setup();
    server.script(
      reply.tool(
        "Write",
        { file_path: join(h.workspace, "hello.txt"), content: "hi from claude\n" },
        { text: "Writing the file." },
      ),
      reply.text("Done: wrote hello.txt."),
    );
    const r = await backend.run(h.input());
    expect(r.error).toBeUndefined();
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(h.workspace, "hello.txt"), "utf8")).toBe("hi from claude\n");
    expect(r.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.finalText).toBe("Done: wrote hello.txt.");
    expect(r.model).toBe("claude-sonnet-4-6");
    expect(r.usage.turns).toBe(2);
    expect(r.usage.outputTokens).toBeGreaterThan(0);
    expect(
      r.usage.inputTokens + r.usage.cacheWriteTokens + r.usage.cacheReadTokens,
    ).toBeGreaterThan(1000);
    expect(r.usage.cacheReadTokens).toBeGreaterThan(0);
    expect(r.usage.costUsd).toBeCloseTo(
      costOf(r.usage, priceFor(DEFAULT_PRICES, "claude-sonnet-4-6")!),
      8,
    );
    expect(r.usage.costUsd).toBeGreaterThan(0);
    expect(ofType(h.events, "assistant").map((e) => e.text)).toEqual([
      "Writing the file.",
      "Done: wrote hello.txt.",
    ]);
    const [call] = ofType(h.events, "tool_call");
    expect(call).toMatchObject({ name: "Write", input: { content: "hi from claude\n" } });
    const [result] = ofType(h.events, "tool_result");
    expect(result).toMatchObject({ id: call!.id, isError: false });
    const usages = ofType(h.events, "usage").map((e) => e.usage);
    expect(usages.at(-1)).toEqual(r.usage);
    const turnsSeen = usages.map((u) => u.turns ?? 0);
    expect(turnsSeen).toEqual([...turnsSeen].sort((a, b) => a - b));
    const asked = server.modelRequests().filter((q) => q.answer === "message");
    expect(asked).toHaveLength(2);
    expect(asked[0]!.apiKey).toBe("sk-ant-test");
    expect(JSON.stringify((asked[0]!.body as { system: unknown }).system)).toContain(
      "Write .nightshift/result.json when done.",
    );
    expect(JSON.stringify((asked[0]!.body as { messages: unknown }).messages)).toContain(
      "do the task",
    );
  });

  it("continues a session with --resume", async () => {
    const { server, h, backend } = await setup();
    server.script(reply.text("First answer."), reply.text("Second answer."));
    const first = await backend.run(h.input({ prompt: "first question" }));
    expect(first.sessionId).toBeDefined();
    const second = await backend.run(
      h.input({ prompt: "second question", resume: { sessionId: first.sessionId! } }),
    );
    expect(second.exitCode).toBe(0);
    expect(second.sessionId).toBe(first.sessionId);
    expect(second.finalText).toBe("Second answer.");
    const last = server
      .modelRequests()
      .filter((q) => q.answer === "message")
      .at(-1)!;
    const convo = JSON.stringify((last.body as { messages: unknown }).messages);
    expect(convo).toContain("first question");
    expect(convo).toContain("First answer.");
    expect(convo).toContain("second question");
  });

  it("stops at the turn limit and says so", async () => {
    const { server, h, backend } = await setup();
    server.script(
      reply.tool("Bash", { command: "echo one > one.txt" }),
      reply.tool("Bash", { command: "echo two > two.txt" }),
      reply.text("never reached"),
    );
    const r = await backend.run(h.input({ maxTurns: 1 }));
    expect(r.aborted).toBe("max-turns");
    expect(r.usage.turns).toBe(1);
    expect(readFileSync(join(h.workspace, "one.txt"), "utf8")).toBe("one\n");
    expect(server.pending()).toBe(2);
  });

  it("turns a 429 into a rate-limit signal (API key: the fallback delay)", async () => {
    const { server, h, backend } = await setup({ rateLimitFallback: "90s" });
    server.script(reply.rateLimited({ retryAfterSec: 30 }));
    const t0 = Date.now();
    const r = await backend.run(h.input());
    expect(r.exitCode).not.toBe(0);
    expect(r.rateLimit?.source).toBe("fallback");
    const wait = Date.parse(r.rateLimit!.resetAt) - t0;
    expect(wait).toBeGreaterThanOrEqual(90_000);
    expect(wait).toBeLessThan(120_000);
    expect(ofType(h.events, "error")[0]?.message).toMatch(/429/);
  });

  it("takes the reset time from Claude Code's rate_limit_event (subscription token)", async () => {
    const { server, h, backend } = await setup(
      { credential: "CLAUDE_CODE_OAUTH_TOKEN" },
      { CLAUDE_CODE_OAUTH_TOKEN: "sk-ant-test" },
    );
    const resetAt = new Date(Math.ceil((Date.now() + 3_600_000) / 1000) * 1000);
    server.script(reply.rateLimited({ retryAfterSec: 3600, resetAt, unified: true }));
    const r = await backend.run(h.input());
    expect(r.rateLimit).toEqual({ resetAt: resetAt.toISOString(), source: "rate-limit-event" });
    expect(server.modelRequests()[0]?.headers["authorization"]).toBe("Bearer sk-ant-test");
    expect(server.modelRequests()[0]?.headers["x-api-key"]).toBeUndefined();
  });
});
