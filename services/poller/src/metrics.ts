import { Counter, type Registry } from "prom-client";

export interface PollerMetrics {
  /** HTTP exchanges with GitHub by status (304s included). */
  githubRequests: Counter<"status">;
  webhooks: Counter<"outcome">;
  triggers: Counter<"source" | "result">;
}

export function pollerMetrics(registry: Registry): PollerMetrics {
  return {
    githubRequests: new Counter({
      name: "nightshift_poller_github_requests_total",
      help: "HTTP exchanges with the GitHub API by status; 304 answers cost no rate limit",
      labelNames: ["status"],
      registers: [registry],
    }),
    webhooks: new Counter({
      name: "nightshift_poller_webhooks_total",
      help: "GitHub webhook deliveries by outcome",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    triggers: new Counter({
      name: "nightshift_poller_triggers_total",
      help: "Triggers found by source and what became of them",
      labelNames: ["source", "result"],
      registers: [registry],
    }),
  };
}
