import { describe, expect, it } from "vitest";
import { renderMarkdown, type BenchReport } from "./markdown.ts";

const report = (memory: BenchReport["memory"]): BenchReport => ({
  samples: 0,
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
