import { describe, expect, it } from "vitest";
import { ConfigError } from "./config-error.ts";
import { parseConfig } from "./load.ts";

function issuesOf(raw: unknown): string[] {
  try {
    parseConfig(raw, {});
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => i.path);
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("backends, sandbox and prices", () => {
  it("parses every backend type with its defaults", () => {
    const { config } = parseConfig(
      {
        backends: {
          claude: { type: "claude-code", allowedTools: ["Read", "Edit"], maxTurns: 30 },
          codex: { type: "codex", baseUrl: "http://127.0.0.1:9/v1", reasoningEffort: "low" },
          api: { type: "anthropic", tools: ["read_file", "run_shell"], shellTimeout: "30s" },
          aider: { type: "command", preset: "aider", model: "sonnet" },
        },
      },
      {},
    );
    expect(config.backends["claude"]).toMatchObject({
      command: "claude",
      permissionMode: "bypassPermissions",
      credential: "ANTHROPIC_API_KEY",
      maxRetries: 0,
      rateLimitFallback: 60_000,
    });
    expect(config.backends["codex"]).toMatchObject({
      command: "codex",
      sandbox: "danger-full-access",
    });
    expect(config.backends["api"]).toMatchObject({
      model: "claude-sonnet-4-6",
      maxTurns: 50,
      shellTimeout: 30_000,
    });
    expect(config.backends["aider"]).toMatchObject({ preset: "aider", prompt: "arg" });
  });

  it("parses the sandbox section, sizes included", () => {
    const { config } = parseConfig(
      {
        sandbox: {
          driver: "bwrap",
          limits: { memory: "2g", fileSize: "512m", processes: 256 },
          egress: { allow: ["api.anthropic.com"], strict: true },
        },
        prices: { "my-model": { input: 1, output: 2 } },
      },
      {},
    );
    expect(config.sandbox.limits).toEqual({
      memory: 2 * 1024 ** 3,
      fileSize: 512 * 1024 ** 2,
      processes: 256,
    });
    expect(config.sandbox.user).toEqual({ uid: 10_000, gid: 10_000 });
    expect(config.sandbox.egress).toEqual({ allow: ["api.anthropic.com"], strict: true });
    expect(config.prices["my-model"]).toEqual({ input: 1, output: 2 });
  });

  it("reports wrong settings with their paths", () => {
    expect(
      issuesOf({
        backends: {
          a: { type: "command" },
          b: { type: "claude-code", permissionMode: "yolo" },
          c: { type: "codex", maxRetries: 5 },
        },
        sandbox: {
          driver: "none",
          limits: { memory: "lots" },
          egress: { allow: ["x"], strict: true },
        },
      }),
    ).toEqual(
      expect.arrayContaining([
        "backends.a.argv",
        "backends.b.permissionMode",
        "backends.c.maxRetries",
        "sandbox.limits.memory",
      ]),
    );
    expect(
      issuesOf({ sandbox: { driver: "none", egress: { allow: ["x"], strict: true } } }),
    ).toEqual(["sandbox.egress.strict"]);
  });
});
