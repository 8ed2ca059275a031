import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { describe, expect, it } from "vitest";
import { parsePrometheusText } from "./prometheus.ts";

const GOOD = `# HELP jobs_total Jobs done, by "kind"\\nsecond line
# TYPE jobs_total counter
jobs_total{kind="a",path="C:\\\\x"} 3
jobs_total{kind="b\\"q\\""} 0 1700000000000
# TYPE lat_seconds histogram
lat_seconds_bucket{le="0.1"} 1
lat_seconds_bucket{le="1"} 2
lat_seconds_bucket{le="+Inf"} 3
lat_seconds_sum 4.5
lat_seconds_count 3
# a free comment
# TYPE up gauge
up NaN
`;

describe("parsePrometheusText", () => {
  it("parses families, labels with escapes, histograms and special values", () => {
    const f = parsePrometheusText(GOOD);
    expect([...f.keys()]).toEqual(["jobs_total", "lat_seconds", "up"]);
    expect(f.get("jobs_total")?.help).toBe('Jobs done, by "kind"\nsecond line');
    expect(f.get("jobs_total")?.samples).toEqual([
      { name: "jobs_total", labels: { kind: "a", path: "C:\\x" }, value: 3 },
      { name: "jobs_total", labels: { kind: 'b"q"' }, value: 0 },
    ]);
    expect(f.get("lat_seconds")?.samples).toHaveLength(5);
    expect(f.get("up")?.samples[0]?.value).toBeNaN();
  });

  it.each([
    ["a sample without TYPE", "x 1\n"],
    ["a bad metric name", "# TYPE 1x gauge\n1x 1\n"],
    ["a bad value", "# TYPE x gauge\nx one\n"],
    ["an unquoted label", "# TYPE x gauge\nx{a=b} 1\n"],
    ["a bad escape", '# TYPE x gauge\nx{a="\\t"} 1\n'],
    ["a duplicate label", '# TYPE x gauge\nx{a="1",a="2"} 1\n'],
    ["a reserved label", '# TYPE x gauge\nx{__a="1"} 1\n'],
    ["a duplicate series", '# TYPE x gauge\nx{a="1"} 1\nx{a="1"} 2\n'],
    ["a split family", '# TYPE x gauge\nx 1\n# TYPE y gauge\ny 1\nx{a="2"} 1\n'],
    ["two TYPE lines", "# TYPE x gauge\n# TYPE x counter\n"],
    ["an unknown type", "# TYPE x meter\n"],
    ["a negative counter", "# TYPE x_total counter\nx_total -1\n"],
    ["a missing +Inf bucket", '# TYPE h histogram\nh_bucket{le="1"} 1\nh_count 1\nh_sum 1\n'],
    [
      "non-cumulative buckets",
      '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\nh_sum 1\n',
    ],
    [
      "a +Inf bucket unlike _count",
      '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_count 1\nh_sum 1\n',
    ],
    ["no final newline", "# TYPE x gauge\nx 1"],
    ["a bad timestamp", "# TYPE x gauge\nx 1 soon\n"],
  ])("rejects %s", (_what, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });

  it("accepts what prom-client writes", async () => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: "t_" });
    new Counter({ name: "t_c_total", help: "c", labelNames: ["a"], registers: [registry] }).inc(
      { a: 'x"y\\z\nw' },
      2,
    );
    new Histogram({ name: "t_h", help: "h", labelNames: ["b"], registers: [registry] }).observe(
      { b: "1" },
      0.3,
    );
    const f = parsePrometheusText(await registry.metrics());
    expect(f.get("t_c_total")?.samples[0]?.labels["a"]).toBe('x"y\\z\nw');
    expect(f.get("t_h")?.type).toBe("histogram");
    expect(f.get("t_process_resident_memory_bytes")?.type).toBe("gauge");
  });
});
