import type { Bus, NatsConnection } from "@nightshift/messaging";
import type { NightshiftConfig, Secrets } from "@nightshift/config";
import type { Component, Hono, Logger, Registry } from "@nightshift/runtime";

export const SERVICE_NAMES = [
  "scheduler",
  "poller",
  "email-gateway",
  "executor",
  "notifier",
  "api",
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** What a service is given; services read nothing else from the process. */
export interface ServiceDeps {
  config: NightshiftConfig;
  secrets: Secrets;
  /** A child logger bound to the service name. */
  log: Logger;
  bus: Bus;
  registry: Registry;
  /** The HTTP app serving the health endpoints; services may mount routes (webhooks, API). */
  http: Hono;
  /** Aborted on the first shutdown signal: stop taking work, finish what runs. */
  stop: AbortSignal;
  /** Aborted when draining must end now. */
  force: AbortSignal;
  /** Unique per process: `<host>-<pid>-<random>`. */
  instance: string;
}

export interface RunningService {
  /** Readiness and status as reported by `/readyz` and `/status`. */
  component: Component;
  /** Resolves when the service has stopped after `stop` (and drained). */
  done: Promise<void>;
}

/** What `nightshift provision` gives a service to create what only it uses. */
export interface ProvisionDeps {
  nc: NatsConnection;
  config: NightshiftConfig;
}

export interface ServiceDefinition {
  name: ServiceName | (string & {});
  start(deps: ServiceDeps): Promise<RunningService>;
  /**
   * Creates or updates the streams, consumers and buckets only this service uses, read before
   * write. `nightshift provision` runs it as a user with JetStream admin rights, so that in a
   * deployment the service's own NATS user needs no right to create them.
   */
  provision?(deps: ProvisionDeps): Promise<void>;
}
