import { describe, expect, it } from "vitest";
import { poolRuns } from "./result.ts";

describe("pooling rounds", () => {
  it("keeps every latency sample, takes throughput over the total time, and the largest RSS", () => {
    const pooled = poolRuns([
      { latencies: [1, 2], throughput: 100, maxRssMb: 50 },
      { latencies: [3], throughput: 300, maxRssMb: 70 },
    ]);
    expect(pooled.latencies).toEqual([1, 2, 3]);
    // 2 bursts of B tasks in B/100 + B/300 seconds: 2 / (1/100 + 1/300) = 150 /s
    expect(pooled.throughput).toBeCloseTo(150, 9);
    expect(pooled.maxRssMb).toBe(70);
  });

  it("has no RSS when no round measured one", () => {
    expect(poolRuns([{ latencies: [], throughput: 10 }])).toEqual({
      latencies: [],
      throughput: 10,
    });
  });
});
