import { emailGatewayService } from "@nightshift/email-gateway";
import type { ServiceDefinition, ServiceName } from "@nightshift/host";
import { notifierService } from "@nightshift/notifier";
import { pollerService } from "@nightshift/poller";
import { schedulerService } from "@nightshift/scheduler";
import { executorWithSinks } from "./result-sinks.ts";

/** Every service by name, built from the process environment where a service needs it. */
export function serviceDefinitions(
  env: Readonly<Record<string, string | undefined>>,
): Record<ServiceName, ServiceDefinition> {
  return {
    scheduler: schedulerService(),
    poller: pollerService(),
    "email-gateway": emailGatewayService(),
    executor: executorWithSinks(env),
    notifier: notifierService(),
  };
}
