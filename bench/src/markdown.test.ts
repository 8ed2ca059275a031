import { describe, expect, it } from "vitest";
import { renderMarkdown, type BenchReport } from "./markdown.ts";

const report = (memory: BenchReport["memory"]): BenchReport => ({
  samples: 0,
  warmup: 0,
  rounds: 1,
  burst: 0,
  natsVersion: "2.12.0",
  redisVersion: "7.0.0",
  loadBefore: [0, 0, 0],
  loadAfter: [0, 0, 0],
  seconds: 60,
  slots: [],
  sync: [],
  sandbox: undefined,
  contention: undefined,
  memory,
});

describe("the memory table", () => {
  it("has a row per service: measured under load, not measured with the reason, or no workload", () => {
    const md = renderMarkdown(
      report({
        idle: { poller: 80.4, "email-gateway": 70.6, executor: 90 },
        underLoad: {
          poller: { mb: 120.2, load: "300 labelled issues" },
          "email-gateway": { notMeasured: "dovecot not found" },
        },
      }),
    );
    expect(md).toContain("| poller | 80 | 120 | 300 labelled issues |");
    expect(md).toContain("| email-gateway | 71 | – | not measured: dovecot not found |");
    expect(md).toContain("| executor | 90 | – | no workload in this bench |");
  });
});

describe("the rounds table", () => {
  it("lists each round's nightshift / floor ratios with their figures", () => {
    const run = (l: number, t: number) => ({ latencies: [l], throughput: t });
    const md = renderMarkdown({
      ...report({ idle: {}, underLoad: {} }),
      rounds: 2,
      slots: [
        {
          slots: 1,
          floor: run(1, 100),
          nightshift: { ...run(2, 50), leaseBusy: 0, meanTaskMs: 1 },
          bullmq: run(4, 10),
          rounds: [
            { floor: run(1, 100), nightshift: { ...run(1.5, 60), leaseBusy: 0, meanTaskMs: 1 } },
            { floor: run(2, 200), nightshift: { ...run(5, 40), leaseBusy: 0, meanTaskMs: 1 } },
          ],
        },
      ],
    });
    expect(md).toContain("| slots | round 1: p50, tasks/s | round 2: p50, tasks/s |");
    expect(md).toContain(
      "| 1 | 1.50× (1.50 / 1.00 ms), 0.60× (60 / 100) | 2.50× (5.00 / 2.00 ms), 0.20× (40 / 200) |",
    );
    expect(md).toContain("take turns in 2 round(s)");
  });
});
