export { startTestNats, startTestCluster } from "./nats.ts";
export type { TestNats, TestNatsCluster } from "./nats.ts";
export { waitFor } from "./wait-for.ts";
export type { WaitForOptions } from "./wait-for.ts";
export { makeTestRepo, git } from "./git.ts";
export type { TestRepo } from "./git.ts";
export { processesMatching } from "./processes.ts";
export { parsePrometheusText, PrometheusParseError } from "./prometheus.ts";
export type { MetricFamily, MetricType, Sample } from "./prometheus.ts";
