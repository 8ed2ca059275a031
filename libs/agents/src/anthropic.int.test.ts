import { readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AnthropicBackendConfig } from "@nightshift/config";
import { reply, startModelServer } from "@nightshift/model-server";
import { anthropicBackend } from "./anthropic-backend.ts";
import { costOf, DEFAULT_PRICES, priceFor } from "./prices.ts";
import { harness, ofType, type Harness } from "./test-harness.ts";

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

async function setup(cfg: Record<string, unknown> = {}, requestWindowMs?: number) {
  const server = await startModelServer({ apiKey: "sk-ant-test", cacheMinTokens: 50 });
  const h: Harness = await harness();
  open.push(h, server);
  const config = AnthropicBackendConfig.parse({
    type: "anthropic",
    model: "claude-sonnet-4-6",
    baseUrl: server.url,
    ...cfg,
  });
  const backend = anthropicBackend("api", config, {
    env: { ANTHROPIC_API_KEY: "sk-ant-test" },
    prices: DEFAULT_PRICES,
    ...(requestWindowMs !== undefined ? { requestWindowMs } : {}),
  });
  return { server, h, backend };
}

describe("anthropic backend (own loop, scripted Messages API)", () => {
  it("keeps to requestsPerMinute across the turns of a run", async () => {
    // a 400 ms "minute" keeps the test short; the window logic is the same
    const { server, h, backend } = await setup({ requestsPerMinute: 1 }, 400);
    server.script(reply.tool("list_files", {}), reply.tool("list_files", {}), reply.text("done"));
    const t0 = Date.now();
    const r = await backend.run(h.input());
    expect(r.exitCode).toBe(0);
    expect(server.modelRequests()).toHaveLength(3);
    // three requests, one per window: at least two full windows in between
    expect(Date.now() - t0).toBeGreaterThanOrEqual(780);
  });

  it("runs tools in the workspace and the sandbox, with prompt caching and priced usage", async () => {
    const { server, h, backend } = await setup();
    writeFileSync(join(h.workspace, "app.txt"), "version = 1\n");
    server.script(
      reply.tools(
        [
          { name: "read_file", input: { path: "app.txt" } },
          { name: "list_files", input: {} },
        ],
        { text: "Looking first." },
      ),
      reply.tool("edit_file", {
        path: "app.txt",
        old_text: "version = 1",
        new_text: "version = 2",
      }),
      reply.tool("write_file", { path: "docs/notes.md", content: "# notes\n" }),
      reply.tool("run_shell", { command: "id -u; cat app.txt >> docs/notes.md" }),
      reply.tool("search", { pattern: "version = [0-9]", glob: "*.txt" }),
      reply.text("Bumped the version."),
    );
    const r = await backend.run(h.input());
    expect(r.error).toBeUndefined();
    expect(r.exitCode).toBe(0);
    expect(r.finalText).toBe("Bumped the version.");
    expect(readFileSync(join(h.workspace, "app.txt"), "utf8")).toBe("version = 2\n");
    expect(readFileSync(join(h.workspace, "docs/notes.md"), "utf8")).toBe("# notes\nversion = 2\n");
    expect(statSync(join(h.workspace, "docs/notes.md")).uid).toBe(h.box.uid);
    const results = ofType(h.events, "tool_result");
    expect(results.map((e) => e.isError)).toEqual([false, false, false, false, false, false]);
    expect(results[0]?.output).toBe("version = 1\n");
    expect(results[1]?.output).toBe("app.txt");
    expect(results[4]?.output).toMatch(/^exit code 0\n10200\n/);
    expect(results[5]?.output).toBe("app.txt:1:version = 2\n");
    expect(ofType(h.events, "tool_call").map((e) => e.name)).toEqual([
      "read_file",
      "list_files",
      "edit_file",
      "write_file",
      "run_shell",
      "search",
    ]);
    expect(r.usage.turns).toBe(6);
    const served = server.modelRequests().map((q) => q.usage!);
    const sum = (k: keyof (typeof served)[0]) => served.reduce((n, u) => n + u[k], 0);
    expect(r.usage).toMatchObject({
      inputTokens: sum("inputTokens"),
      outputTokens: sum("outputTokens"),
      cacheReadTokens: sum("cacheReadTokens"),
      cacheWriteTokens: sum("cacheWriteTokens"),
    });
    // Every turn after the first reads the prefix the previous turn wrote.
    expect(served.slice(1).every((u) => u.cacheReadTokens > 0)).toBe(true);
    expect(r.usage.costUsd).toBeCloseTo(
      costOf(r.usage, priceFor(DEFAULT_PRICES, "claude-sonnet-4-6")!),
      8,
    );
    const body = server.modelRequests()[1]!.body as {
      stream: boolean;
      tools: { cache_control?: unknown }[];
    };
    expect(body.stream).toBe(true);
    expect(body.tools.at(-1)?.cache_control).toEqual({ type: "ephemeral" });
  });

  it("refuses paths outside the workspace, also through symbolic links", async () => {
    const { server, h, backend } = await setup();
    symlinkSync("/etc", join(h.workspace, "etc-link"));
    server.script(
      reply.tool("read_file", { path: "../outside.txt" }),
      reply.tool("write_file", { path: "etc-link/evil.conf", content: "x" }),
      reply.tool("read_file", { path: "etc-link/hostname" }),
      reply.tool("write_file", { path: "/tmp/abs.txt", content: "x" }),
      reply.text("gave up"),
    );
    const r = await backend.run(h.input());
    expect(r.exitCode).toBe(0);
    const results = ofType(h.events, "tool_result");
    expect(results.map((e) => e.isError)).toEqual([true, true, true, true]);
    expect(results[0]?.output).toMatch(/outside the workspace/);
    expect(results[1]?.output).toMatch(/through a symbolic link/);
    expect(results[2]?.output).toMatch(/through a symbolic link/);
    expect(results[3]?.output).toMatch(/outside the workspace/);
  });

  it("stops at the turn limit, continues the session when resumed", async () => {
    const { server, h, backend } = await setup();
    server.script(
      reply.tool("write_file", { path: "a.txt", content: "a" }),
      reply.tool("write_file", { path: "b.txt", content: "b" }),
      reply.text("finished after resuming"),
    );
    const first = await backend.run(h.input({ maxTurns: 1 }));
    expect(first.aborted).toBe("max-turns");
    expect(first.usage.turns).toBe(1);
    expect(readFileSync(join(h.workspace, "a.txt"), "utf8")).toBe("a");
    const second = await backend.run(
      h.input({ prompt: "continue", resume: { sessionId: first.sessionId! } }),
    );
    expect(second.exitCode).toBe(0);
    expect(second.sessionId).toBe(first.sessionId);
    expect(second.usage.turns).toBe(2);
    expect(second.finalText).toBe("finished after resuming");
    const convo = JSON.stringify(server.modelRequests().at(-1)!.body);
    expect(convo).toContain("do the task");
    expect(convo).toContain("continue");
  });

  it("reports a 429 as a rate limit with the reset time, without retrying", async () => {
    const { server, h, backend } = await setup();
    server.script(reply.rateLimited({ retryAfterSec: 42 }));
    const t0 = Date.now();
    const r = await backend.run(h.input());
    expect(r.exitCode).toBe(1);
    expect(r.rateLimit?.source).toBe("retry-after");
    const wait = Date.parse(r.rateLimit!.resetAt) - t0;
    expect(wait).toBeGreaterThanOrEqual(41_000);
    expect(wait).toBeLessThan(45_000);
    expect(server.modelRequests()).toHaveLength(1);
  });

  it("reports a server error as an error, not a rate limit", async () => {
    const { server, h, backend } = await setup();
    server.script(reply.serverError(500, "boom"));
    const r = await backend.run(h.input());
    expect(r.exitCode).toBe(1);
    expect(r.rateLimit).toBeUndefined();
    expect(r.error).toMatch(/boom/);
    expect(ofType(h.events, "error")[0]?.code).toBe("http-500");
  });
});
