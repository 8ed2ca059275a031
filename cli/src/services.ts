import { emailGatewayService } from "@nightshift/email-gateway";
import { executorService } from "@nightshift/executor";
import type { ServiceDefinition, ServiceName } from "@nightshift/host";
import { notifierService } from "@nightshift/notifier";
import { pollerService } from "@nightshift/poller";
import { schedulerService } from "@nightshift/scheduler";

/** Every service by name, built from the process environment where a service needs it. */
export function serviceDefinitions(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string = process.cwd(),
): Record<ServiceName, ServiceDefinition> {
  return {
    scheduler: schedulerService({ env, cwd }),
    poller: pollerService(),
    "email-gateway": emailGatewayService(),
    executor: executorService({ env }),
    notifier: notifierService({ env }),
  };
}
