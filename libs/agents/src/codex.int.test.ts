import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CodexBackendConfig } from "@nightshift/config";
import { reply, startModelServer, type ModelServer } from "@nightshift/model-server";
import { codexBackend } from "./codex-backend.ts";
import { costOf, DEFAULT_PRICES, priceFor } from "./prices.ts";
import { harness, ofType, repoBin, type Harness } from "./test-harness.ts";

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

async function setup(cfg: Record<string, unknown> = {}) {
  const server = await startModelServer({ apiKey: "sk-openai-test" });
  const h: Harness = await harness();
  open.push(h, server);
  const config = CodexBackendConfig.parse({
    type: "codex",
    command: repoBin("codex"),
    model: "gpt-5-codex",
    baseUrl: server.openaiBaseUrl,
    ...cfg,
  });
  const backend = codexBackend("codex", config, {
    env: { OPENAI_API_KEY: "sk-openai-test" },
    prices: DEFAULT_PRICES,
  });
  return { server, h, backend };
}

/** What the server billed for the requests answered so far, in nightshift's terms. */
function billed(server: ModelServer, from = 0) {
  const answered = server
    .modelRequests()
    .slice(from)
    .filter((r) => r.usage);
  const sum = (f: (u: NonNullable<(typeof answered)[0]["usage"]>) => number) =>
    answered.reduce((n, r) => n + f(r.usage!), 0);
  return {
    inputTokens: sum((u) => u.inputTokens - u.cacheReadTokens),
    cacheReadTokens: sum((u) => u.cacheReadTokens),
    outputTokens: sum((u) => u.outputTokens),
    cacheWriteTokens: 0,
  };
}

describe("codex backend (real codex CLI, scripted Responses API)", () => {
  it("edits a file through a tool call and reports turns, tokens, cost and the thread", async () => {
    const { server, h, backend } = await setup();
    server.script(
      reply.tool(
        "exec_command",
        { cmd: "printf 'hi from codex\\n' > hello.txt" },
        { text: "Writing the file." },
      ),
      reply.text("Done: wrote hello.txt."),
    );
    const r = await backend.run(h.input());
    expect(r.error).toBeUndefined();
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(h.workspace, "hello.txt"), "utf8")).toBe("hi from codex\n");
    expect(r.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.finalText).toBe("Done: wrote hello.txt.");
    expect(r.model).toBe("gpt-5-codex");
    expect(r.usage.turns).toBe(2);
    expect(r.usage).toMatchObject(billed(server));
    expect(r.usage.cacheReadTokens).toBeGreaterThan(0);
    expect(r.usage.costUsd).toBeCloseTo(
      costOf(r.usage, priceFor(DEFAULT_PRICES, "gpt-5-codex")!),
      8,
    );
    expect(r.usage.costUsd).toBeGreaterThan(0);
    expect(ofType(h.events, "assistant").map((e) => e.text)).toEqual([
      "Writing the file.",
      "Done: wrote hello.txt.",
    ]);
    const [call] = ofType(h.events, "tool_call");
    expect(call?.name).toBe("shell");
    expect(JSON.stringify(call?.input)).toContain("hi from codex");
    expect(ofType(h.events, "tool_result")[0]).toMatchObject({ id: call!.id, isError: false });
    expect(server.modelRequests()[0]?.apiKey).toBe("sk-openai-test");
  });

  it("resumes the thread and counts only this attempt's tokens", async () => {
    const { server, h, backend } = await setup();
    server.script(reply.text("First answer."), reply.text("Second answer."));
    const first = await backend.run(h.input({ prompt: "first question" }));
    expect(first.exitCode).toBe(0);
    const before = server.modelRequests().length;
    const second = await backend.run(
      h.input({ prompt: "second question", resume: { sessionId: first.sessionId! } }),
    );
    expect(second.exitCode).toBe(0);
    expect(second.sessionId).toBe(first.sessionId);
    expect(second.finalText).toBe("Second answer.");
    const convo = JSON.stringify(server.modelRequests().at(-1)!.body);
    expect(convo).toContain("first question");
    expect(convo).toContain("First answer.");
    expect(convo).toContain("second question");
    expect(second.usage).toMatchObject({ turns: 1, ...billed(server, before) });
  });

  it("stops codex when it starts a turn beyond the limit, keeping the work done and the usage", async () => {
    const { server, h, backend } = await setup();
    server.script(
      reply.tool("exec_command", { cmd: "echo one > one.txt" }),
      reply.tool("exec_command", { cmd: "echo two > two.txt" }),
      reply.text("never reached"),
    );
    const r = await backend.run(h.input({ maxTurns: 1 }));
    expect(r.aborted).toBe("max-turns");
    expect(r.usage.turns).toBe(1);
    expect(readFileSync(join(h.workspace, "one.txt"), "utf8")).toBe("one\n");
    expect(existsSync(join(h.workspace, "two.txt"))).toBe(false);
    expect(r.usage.outputTokens).toBeGreaterThan(0);
  });

  it("turns a 429 into a rate-limit signal", async () => {
    const { server, h, backend } = await setup({ rateLimitFallback: "2m" });
    server.script(reply.rateLimited({ retryAfterSec: 20 }));
    const t0 = Date.now();
    const r = await backend.run(h.input());
    expect(r.exitCode).not.toBe(0);
    expect(r.rateLimit?.source).toBe("fallback");
    expect(Date.parse(r.rateLimit!.resetAt) - t0).toBeGreaterThanOrEqual(120_000);
    expect(r.error).toMatch(/429/);
    expect(server.modelRequests()).toHaveLength(1);
  });
});
