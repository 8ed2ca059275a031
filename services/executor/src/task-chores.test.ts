import { describe, expect, it } from "vitest";
import { TaskChores } from "./task-chores.ts";

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("task chores", () => {
  it("runs a task's chores in order, apart from other tasks', and drains them all", async () => {
    const chores = new TaskChores();
    const log: string[] = [];
    chores.later("a", async () => {
      await tick(30);
      log.push("a1");
    });
    chores.later("a", () => {
      log.push("a2");
      return Promise.reject(new Error("a failing chore does not stop the next"));
    });
    chores.later("a", () => {
      log.push("a3");
      return Promise.resolve();
    });
    chores.later("b", () => {
      log.push("b1");
      return Promise.resolve();
    });
    expect(chores.idle("c")).toBeUndefined();
    await chores.idle("b");
    expect(log).toEqual(["b1"]);
    await chores.idle("a");
    expect(log).toEqual(["b1", "a1", "a2", "a3"]);
    expect(chores.idle("a")).toBeUndefined();
    chores.later("c", async () => {
      await tick(10);
      chores.later("d", async () => {
        await tick(10);
        log.push("d1");
      });
      log.push("c1");
    });
    await chores.drain();
    expect(log.slice(4)).toEqual(["c1", "d1"]);
  });
});
