import { Counter, type Registry } from "prom-client";

export interface NotifierMetrics {
  events: Counter<"kind">;
  deliveries: Counter<"channel" | "result">;
  coalesced: Counter;
}

export function notifierMetrics(registry: Registry): NotifierMetrics {
  return {
    events: new Counter({
      name: "nightshift_notifier_events_total",
      help: "Events the notifier looked at, by kind (terminal, progress, escalation, ignored)",
      labelNames: ["kind"],
      registers: [registry],
    }),
    deliveries: new Counter({
      name: "nightshift_notifications_total",
      help: "Delivery attempts by channel and result (sent, failed, gave-up)",
      labelNames: ["channel", "result"],
      registers: [registry],
    }),
    coalesced: new Counter({
      name: "nightshift_notifier_progress_coalesced_total",
      help: "Progress events folded into a later notification",
      registers: [registry],
    }),
  };
}
