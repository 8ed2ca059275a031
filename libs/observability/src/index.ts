export { registerSystemMetrics } from "./system-metrics.ts";
export type { SystemMetricsOptions } from "./system-metrics.ts";
export { readSnapshot, cachedSnapshot } from "./snapshot.ts";
export type { SystemSnapshot } from "./snapshot.ts";
