import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { TaskEventBody } from "@nightshift/contracts";
import { noneSandbox } from "@nightshift/sandbox";
import { commandArgv } from "./command-backend.ts";
import { BackendRegistry } from "./registry.ts";

function input(prompt: string, signal = new AbortController().signal) {
  const events: TaskEventBody[] = [];
  return {
    events,
    input: {
      taskId: "t1",
      attempt: 1,
      prompt,
      workspace: mkdtempSync(join(tmpdir(), "ns-ws-")),
      env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin" },
      sandbox: noneSandbox(),
      emit: (e: TaskEventBody) => events.push(e),
      signal,
      killGraceMs: 500,
    },
  };
}

describe("command backend", () => {
  const registry = new BackendRegistry({
    shell: {
      type: "command",
      argv: ["sh", "-c", "{prompt}"],
      prompt: "arg",
      env: {},
      resultFile: "optional",
    },
    stdin: {
      type: "command",
      argv: ["sh", "-c", "cat > notes.md; echo task {taskId}"],
      prompt: "stdin",
      env: {},
      resultFile: "optional",
    },
  });

  it("passes the prompt as an argument and turns output lines into events", async () => {
    const { input: i, events } = input("echo one; echo two >&2; exit 3");
    const r = await registry.get("shell").run(i);
    expect(r.exitCode).toBe(3);
    expect(events).toEqual([
      { type: "output", stream: "stdout", line: "one" },
      { type: "output", stream: "stderr", line: "two" },
    ]);
  });

  it("writes the prompt to stdin and expands template variables", async () => {
    const { input: i, events } = input("the prompt\n");
    const r = await registry.get("stdin").run(i);
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(i.workspace, "notes.md"), "utf8")).toBe("the prompt\n");
    expect(events).toEqual([{ type: "output", stream: "stdout", line: "task t1" }]);
  });

  it("stops the agent when aborted and says why", async () => {
    const ac = new AbortController();
    const { input: i } = input("echo go; sleep 30", ac.signal);
    const run = registry.get("shell").run(i);
    setTimeout(() => ac.abort("timeout"), 100);
    const r = await run;
    expect(r.aborted).toBe("timeout");
    expect(r.signal).toBe("SIGTERM");
  });

  it("builds preset command lines with model and turn arguments only when known", () => {
    const base = input("fix the bug").input;
    expect(
      commandArgv(
        { type: "command", preset: "aider", prompt: "arg", env: {}, resultFile: "optional" },
        base,
      ),
    ).toEqual([
      "aider",
      "--yes-always",
      "--no-auto-commits",
      "--no-dirty-commits",
      "--no-check-update",
      "--no-show-release-notes",
      "--no-pretty",
      "--no-fancy-input",
      "--analytics-disable",
      "--message",
      "fix the bug",
    ]);
    expect(
      commandArgv(
        { type: "command", preset: "opencode", prompt: "arg", env: {}, resultFile: "optional" },
        { ...base, model: "anthropic/claude-sonnet-4-6" },
      ),
    ).toEqual(["opencode", "run", "fix the bug", "--model", "anthropic/claude-sonnet-4-6"]);
    expect(
      commandArgv(
        {
          type: "command",
          argv: ["my-agent", "{prompt}"],
          maxTurnsArgv: ["--turns", "{maxTurns}"],
          prompt: "arg",
          env: {},
          resultFile: "optional",
        },
        { ...base, maxTurns: 7 },
      ),
    ).toEqual(["my-agent", "fix the bug", "--turns", "7"]);
  });

  it("says when it cannot enforce a turn limit", async () => {
    const { input: i, events } = input("true");
    await registry.get("shell").run({ ...i, maxTurns: 3 });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "log", level: "warn" });
    expect(JSON.stringify(events[0])).toMatch(/cannot limit turns/);
  });

  it("refuses an unknown backend with a clear reason", () => {
    expect(() => registry.get("nope")).toThrow(
      /unknown backend "nope" \(configured: shell, stdin\)/,
    );
  });
});
