import { parseConfig, type NightshiftConfig, type Secrets } from "@nightshift/config";
import { connectNats, openBus, provision, type Bus } from "@nightshift/messaging";
import {
  createHealthApp,
  createLogger,
  createRegistry,
  Lifecycle,
  type Component,
  type Hono,
  type Registry,
} from "@nightshift/runtime";
import { registerSystemMetrics } from "@nightshift/observability";
import { instanceId } from "./host.ts";
import type { RunningService, ServiceDefinition } from "./service.ts";

export interface InProcessOptions {
  natsUrl: string;
  /** Raw `nightshift.yml` content as an object. */
  config?: Record<string, unknown>;
  env?: Record<string, string | undefined>;
  /** Log level for the services (default `silent`; `LOG_LEVEL` in the environment wins). */
  logLevel?: string;
  /** Where the services' logs go, as JSON lines (default: standard error, pretty). */
  logDestination?: NodeJS.WritableStream;
  instance?: string;
}

export interface InProcessServices {
  config: NightshiftConfig;
  secrets: Secrets;
  bus: Bus;
  app: Hono;
  registry: Registry;
  instance: string;
  services: RunningService[];
  /** First shutdown signal: stop taking work, wait for the services to drain, close NATS. */
  stop(): Promise<void>;
  /** Second signal: abort in-flight work, then stop. */
  forceStop(): Promise<void>;
}

/**
 * Runs service definitions in this process without signal handling: for tests and
 * benchmarks, which need several executors (and their shutdowns) in one process.
 */
export async function startInProcess(
  defs: readonly ServiceDefinition[],
  opts: InProcessOptions,
): Promise<InProcessServices> {
  const env = opts.env ?? {};
  const { config, secrets } = parseConfig(opts.config ?? {}, { ...env, NATS_URL: opts.natsUrl });
  const level = process.env["LOG_LEVEL"] ?? opts.logLevel ?? "silent";
  const log = createLogger({
    level,
    format: opts.logDestination ? "json" : "pretty",
    base: { service: "test" },
    secrets: [],
    ...(opts.logDestination ? { destination: opts.logDestination } : {}),
  });
  const nc = await connectNats({ servers: opts.natsUrl, name: "nightshift-test" });
  await provision(nc, config.nats);
  const bus = await openBus(nc);
  const registry = createRegistry();
  registerSystemMetrics({ bus, registry });
  const lifecycle = new Lifecycle();
  const components: Component[] = [];
  const app = createHealthApp({ name: "test", lifecycle, registry, components: () => components });
  const stop = new AbortController();
  const force = new AbortController();
  const instance = opts.instance ?? instanceId();
  const services: RunningService[] = [];
  try {
    for (const def of defs) {
      const svc = await def.start({
        config,
        secrets,
        log: log.child({ service: def.name, instance }),
        bus,
        registry,
        http: app,
        stop: stop.signal,
        force: force.signal,
        instance,
      });
      services.push(svc);
      components.push(svc.component);
    }
  } catch (err) {
    // A service that fails to start must not leave the others or the connection behind.
    stop.abort();
    force.abort();
    await Promise.all(services.map((s) => s.done));
    await nc.close();
    throw err;
  }
  lifecycle.set("running");
  let stopped: Promise<void> | undefined;
  const doStop = (): Promise<void> => {
    stopped ??= (async () => {
      lifecycle.set("draining");
      stop.abort();
      await Promise.all(services.map((s) => s.done));
      await nc.drain();
      lifecycle.set("stopped");
    })();
    return stopped;
  };
  return {
    config,
    secrets,
    bus,
    app,
    registry,
    instance,
    services,
    stop: doStop,
    async forceStop() {
      stop.abort();
      force.abort();
      await doStop();
    },
  };
}
