import { describe, expect, it } from "vitest";
import { EMPTY_USAGE, type TaskRecord } from "@nightshift/contracts";
import { summariseSpend, type SpendCounterEntry } from "./budget.ts";

const NOW = new Date("2026-11-21T15:00:00.000Z");

function rec(id: string, day: string, costUsd: number, repo?: string): TaskRecord {
  const at = `${day}T10:00:00.000Z`;
  return {
    v: 1,
    id,
    task: {
      v: 1,
      id,
      createdAt: at,
      source: { kind: "api", attributes: {} },
      kind: "adhoc",
      prompt: "p",
      mode: "autonomous",
      limits: {},
      inputs: [],
      labels: {},
      ...(repo ? { repo: { url: `https://x/${repo}`, key: `${repo}_k` } } : {}),
    },
    state: "succeeded",
    attempts: 1,
    createdAt: at,
    updatedAt: at,
    finishedAt: at,
    usage: { ...EMPTY_USAGE, costUsd, inputTokens: 100, outputTokens: 10 },
    transitions: [],
  };
}

describe("summariseSpend", () => {
  const records = [
    rec("a", "2026-11-21", 1, "web"),
    rec("b", "2026-11-20", 2, "web"),
    rec("c", "2026-11-20", 0.5),
    rec("old", "2026-10-01", 9, "web"),
  ];

  it("books records' usage per day and repository over the window, zeros included", () => {
    const s = summariseSpend(records, 3, NOW);
    expect(s.from).toBe("records");
    expect(s.since).toBe("2026-11-19");
    expect(s.days.map((d) => [d.day, d.costUsd, d.tasks])).toEqual([
      ["2026-11-19", 0, 0],
      ["2026-11-20", 2.5, 2],
      ["2026-11-21", 1, 1],
    ]);
    expect(s.repos.map((r) => [r.repo, r.costUsd])).toEqual([
      ["https://x/web", 3],
      ["(no repository)", 0.5],
    ]);
    expect(s.total).toEqual({ costUsd: 3.5, tasks: 3, inputTokens: 300, outputTokens: 30 });
  });

  it("takes a day's spend from the budget counters when there are some", () => {
    const counters: SpendCounterEntry[] = [
      { day: "2026-11-21", scope: "source", name: "api", costUsd: 4, tasks: 3 },
      { day: "2026-11-21", scope: "source", name: "email", costUsd: 1, tasks: 1 },
      { day: "2026-11-21", scope: "repo", name: "web_k", costUsd: 3, tasks: 2 },
      { day: "2026-11-21", scope: "repo", name: "gone_k", costUsd: 1.5, tasks: 1 },
      { day: "2026-09-01", scope: "source", name: "api", costUsd: 100, tasks: 1 },
    ];
    const s = summariseSpend(records, 3, NOW, counters);
    expect(s.from).toBe("both");
    expect(s.days.map((d) => [d.day, d.costUsd, d.tasks])).toEqual([
      ["2026-11-19", 0, 0],
      ["2026-11-20", 2.5, 2],
      ["2026-11-21", 5, 4],
    ]);
    expect(Object.fromEntries(s.repos.map((r) => [r.repo, r.costUsd]))).toEqual({
      "https://x/web": 5,
      gone_k: 1.5,
      "(no repository)": 1,
    });
    expect(s.total.costUsd).toBe(7.5);
    expect(s.total.inputTokens).toBe(300);
    expect(summariseSpend(records, 1, NOW, counters).from).toBe("counters");
  });
});
