import { apiService } from "@nightshift/api";
import { emailGatewayService } from "@nightshift/email-gateway";
import type { ServiceDefinition, ServiceName } from "@nightshift/host";
import { githubThreads, linearThreads, notifierService } from "@nightshift/notifier";
import { pollerService } from "@nightshift/poller";
import { schedulerService } from "@nightshift/scheduler";
import { executorWithSinks } from "./result-sinks.ts";

export interface ServiceDefinitionsOptions {
  /** `nightshift up`: the whole stack on one machine (the API may serve loopback without tokens). */
  up?: boolean;
}

/** Every service by name, built from the process environment where a service needs it. */
export function serviceDefinitions(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string = process.cwd(),
  opts: ServiceDefinitionsOptions = {},
): Record<ServiceName, ServiceDefinition> {
  return {
    scheduler: schedulerService({ env, cwd }),
    poller: pollerService(),
    "email-gateway": emailGatewayService(),
    executor: executorWithSinks(env),
    notifier: notifierService({
      env,
      sourceThreads: { github: githubThreads, linear: linearThreads },
    }),
    api: apiService({ openOnLoopback: opts.up === true }),
  };
}
