export { hostServices, instanceId } from "./host.ts";
export type { HostOptions } from "./host.ts";
export { SERVICE_NAMES } from "./service.ts";
export type {
  ServiceDefinition,
  ServiceDeps,
  RunningService,
  ServiceName,
  ProvisionDeps,
} from "./service.ts";
export { natsComponent } from "./nats-component.ts";
export { startInProcess } from "./in-process.ts";
export type { InProcessOptions, InProcessServices } from "./in-process.ts";
export { announcePresence } from "./presence.ts";
