import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@nightshift/config";
import { Task } from "@nightshift/contracts";
import { addSpend, budgetScopes, nextUtcDay, overBudget, spendOn } from "./budgets.ts";
import { busFixture, type BusFixture } from "./fixture.int.ts";

let f: BusFixture;
beforeAll(async () => {
  f = await busFixture();
});
afterAll(async () => {
  await f.close();
});

const task = Task.parse({
  v: 1,
  id: "budget-task",
  createdAt: "2026-11-21T09:00:00.000Z",
  source: { kind: "github" },
  prompt: "x",
  repo: { url: "https://github.com/acme/web", key: "acme-web_11111111" },
});

describe("budgets", () => {
  it("counts spend per repository and source per day and reports the first scope over its limit", async () => {
    const { config } = parseConfig(
      {
        budgets: {
          perRepoDailyUsd: 5,
          repos: { "https://github.com/acme/web": 1 },
          perSourceDailyUsd: { github: 10 },
        },
      },
      {},
    );
    const scopes = budgetScopes(task, config.budgets, "2026-11-21");
    expect(scopes.map((s) => [s.key, s.limitUsd])).toEqual([
      ["day.2026-11-21.repo.acme-web_11111111", 1],
      ["day.2026-11-21.source.github", 10],
    ]);
    expect(await overBudget(f.bus.kv.budgets, scopes)).toBeUndefined();
    await Promise.all([
      addSpend(f.bus.kv.budgets, scopes, 0.4),
      addSpend(f.bus.kv.budgets, scopes, 0.4),
      addSpend(f.bus.kv.budgets, scopes, 0.3),
    ]);
    const over = await overBudget(f.bus.kv.budgets, scopes);
    expect(over?.label).toBe("repository https://github.com/acme/web");
    expect(over?.spentUsd).toBeCloseTo(1.1);
    const day = await spendOn(f.bus.kv.budgets, "2026-11-21");
    expect(day["source.github"]?.tasks).toBe(3);
    expect(nextUtcDay(new Date("2026-11-21T23:59:00Z")).toISOString()).toBe(
      "2026-11-22T00:00:00.000Z",
    );
  });
});
