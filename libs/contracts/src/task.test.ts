import { describe, expect, it } from "vitest";
import { Task } from "./task.ts";
import { TaskEvent } from "./task-event.ts";
import { canTransition } from "./task-state.ts";

const minimal = {
  v: 1,
  id: "01abcdefgh",
  createdAt: "2026-11-21T09:00:00.000Z",
  source: { kind: "cli" },
  prompt: "fix it",
};

describe("Task schema", () => {
  it("applies defaults to a minimal task", () => {
    const t = Task.parse(minimal);
    expect(t.mode).toBe("autonomous");
    expect(t.kind).toBe("adhoc");
    expect(t.limits).toEqual({});
    expect(t.source.attributes).toEqual({});
  });

  it("reports every problem with its path", () => {
    const r = Task.safeParse({ ...minimal, id: "Bad.Id", prompt: "", extra: 1 });
    expect(r.success).toBe(false);
    const paths = r.error?.issues.map((i) => i.path.join(".")).sort();
    expect(paths).toEqual(["", "id", "prompt"]);
  });

  it("rejects an unknown schema version", () => {
    expect(Task.safeParse({ ...minimal, v: 2 }).success).toBe(false);
  });
});

describe("TaskEvent", () => {
  it("discriminates by type", () => {
    const e = TaskEvent.parse({
      v: 1,
      taskId: "01abcdefgh",
      at: "2026-11-21T09:00:00.000Z",
      attempt: 1,
      type: "output",
      stream: "stdout",
      line: "hello",
    });
    expect(e.type).toBe("output");
    expect(
      TaskEvent.safeParse({
        v: 1,
        taskId: "x",
        at: "2026-11-21T09:00:00.000Z",
        attempt: 1,
        type: "nope",
      }).success,
    ).toBe(false);
  });
});

describe("state machine", () => {
  it("allows the documented transitions only", () => {
    expect(canTransition("queued", "running")).toBe(true);
    expect(canTransition("running", "succeeded")).toBe(true);
    expect(canTransition("running", "running")).toBe(true);
    expect(canTransition("succeeded", "running")).toBe(false);
    expect(canTransition("queued", "succeeded")).toBe(false);
    expect(canTransition("failed", "queued")).toBe(false);
    expect(canTransition("failed", "queued", { redrive: true })).toBe(true);
    expect(canTransition("running", "queued", { redrive: true })).toBe(false);
  });
});
