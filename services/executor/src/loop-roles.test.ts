import { describe, expect, it } from "vitest";
import { parseConfig } from "@nightshift/config";
import { Task } from "@nightshift/contracts";
import { loopRoles, workerBackend } from "./loop-roles.ts";

const backends = {
  api: { type: "anthropic", model: "claude-sonnet-4-6" },
  critic: { type: "anthropic", model: "claude-opus-4-1" },
  cheap: { type: "anthropic", model: "claude-haiku-4-5" },
};

function config(loop?: Record<string, unknown>) {
  return parseConfig(
    { backends, executor: { defaultBackend: "api" }, ...(loop ? { loop } : {}) },
    {},
  ).config;
}

function task(extra: Record<string, unknown> = {}): Task {
  return Task.parse({
    v: 1,
    id: "0123456789ab",
    createdAt: "2026-11-21T09:00:00.000Z",
    source: { kind: "cli" },
    prompt: "p",
    ...extra,
  });
}

describe("review loop roles", () => {
  it("plays both roles on the default backend when nothing says otherwise", () => {
    const t = task({ loop: {} });
    expect(workerBackend(config(), t)).toBe("api");
    expect(loopRoles(config(), t, "api")).toEqual({
      worker: { backend: "api" },
      reviewer: { backend: "api" },
    });
  });

  it("takes roles from the config's loop section", () => {
    const c = config({
      worker: { backend: "cheap", model: "haiku-x" },
      reviewer: { backend: "critic", model: "opus-x" },
    });
    const t = task({ loop: {} });
    expect(workerBackend(c, t)).toBe("cheap");
    expect(loopRoles(c, t, "cheap")).toEqual({
      worker: { backend: "cheap", model: "haiku-x" },
      reviewer: { backend: "critic", model: "opus-x" },
    });
    // a task that is no loop ignores the section
    expect(workerBackend(c, task())).toBe("api");
  });

  it("lets the task (its card's loop, its backend and model) win over the config", () => {
    const c = config({
      worker: { backend: "cheap", model: "haiku-x" },
      reviewer: { backend: "critic", model: "opus-x" },
    });
    const t = task({
      backend: "api",
      model: "sonnet-y",
      loop: { reviewer: { backend: "api" } },
    });
    expect(workerBackend(c, t)).toBe("api");
    // the config's worker model was meant for cheap, the reviewer's for critic: neither is sent to api
    expect(loopRoles(c, t, "api")).toEqual({
      worker: { backend: "api", model: "sonnet-y" },
      reviewer: { backend: "api", model: "sonnet-y" },
    });
    const own = task({
      loop: { worker: { backend: "critic", model: "w" }, reviewer: { model: "r" } },
    });
    expect(workerBackend(c, own)).toBe("critic");
    expect(loopRoles(c, own, "critic")).toEqual({
      worker: { backend: "critic", model: "w" },
      reviewer: { backend: "critic", model: "r" },
    });
  });

  it("refuses a loop section naming an unknown backend", () => {
    expect(() => parseConfig({ backends, loop: { reviewer: { backend: "nope" } } }, {})).toThrow(
      /loop\.reviewer\.backend.*names backend "nope"/s,
    );
  });
});
