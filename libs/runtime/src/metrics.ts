import { collectDefaultMetrics, Registry } from "prom-client";

/** A registry with the process metrics (memory, CPU, event-loop lag) already registered. */
export function createRegistry(labels: Record<string, string> = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  collectDefaultMetrics({ register: registry, prefix: "nightshift_" });
  return registry;
}
