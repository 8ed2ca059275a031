import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { loadConfig, secretValues, type LoadedConfig } from "@nightshift/config";
import { connectNats, inboxPrefixFor, openBus, provision } from "@nightshift/messaging";
import {
  createHealthApp,
  createLogger,
  createRegistry,
  runMain,
  startHttpServer,
  type Component,
  type Logger,
  type MainContext,
} from "@nightshift/runtime";
import { registerSystemMetrics } from "@nightshift/observability";
import { natsComponent } from "./nats-component.ts";
import { announcePresence } from "./presence.ts";
import type { RunningService, ServiceDefinition } from "./service.ts";

export interface HostOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** `--config` path, if given. */
  configPath?: string | undefined;
  /** Overrides `nats.url` (set by `nightshift up` after starting its own server). */
  natsUrl?: string | undefined;
  /** Name in logs and `/status`: the service name, or `nightshift` for `up`. */
  name: string;
  /** Runs before the services (`up` starts nats-server here); its cleanups go on the same stack. */
  before?: (
    ctx: MainContext,
    log: Logger,
    loaded: LoadedConfig,
    http: { host: string; port: number },
  ) => Promise<{ natsUrl?: string; components?: Component[] } | void>;
  /** Where shutdown signals come from; the process by default (tests pass an emitter). */
  proc?: Pick<NodeJS.Process, "on" | "off">;
}

export function instanceId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
}

/**
 * Runs services in this process: config (every error at once), logger, health server,
 * NATS (connect, version check, provisioning), the services, then waits for a signal and
 * releases everything in reverse order. Resolves the process exit code.
 */
export function hostServices(
  defs: readonly ServiceDefinition[],
  opts: HostOptions,
): Promise<number> {
  let log: Logger | undefined;
  // Until the config is read, a signal gets the default; then running tasks get the
  // executor's drain time plus its kill grace and a margin for releasing the rest.
  let graceMs = 60_000;
  return runMain(
    async (ctx) => {
      const loaded = loadConfig({ path: opts.configPath, env: opts.env });
      const { config, secrets } = loaded;
      graceMs = config.executor.drainTimeout + config.executor.killGrace + 15_000;
      const root = createLogger({
        level: config.log.level,
        format: config.log.format,
        base: {},
        secrets: secretValues(secrets),
      });
      log = root.child({ service: opts.name });
      const components: Component[] = [];
      const registry = createRegistry({ service: opts.name });
      const http = createHealthApp({
        name: opts.name,
        lifecycle: ctx.lifecycle,
        registry,
        components: () => components,
      });
      const server = await startHttpServer(http, config.http.host, config.http.port);
      ctx.releasers.push("http server", () => server.close());
      log.info({ host: server.host, port: server.port }, "health endpoints listening");

      const extra =
        (await opts.before?.(ctx, log, loaded, { host: server.host, port: server.port })) ??
        undefined;
      if (extra?.components) components.push(...extra.components);
      const url = opts.natsUrl ?? extra?.natsUrl ?? config.nats.url;
      if (url === undefined) {
        throw new Error(
          "no NATS server: set nats.url in the config or NATS_URL (or run `nightshift up`, which starts one)",
        );
      }
      const nc = await connectNats({
        servers: url,
        name: `nightshift-${opts.name}`,
        user: secrets.NATS_USER,
        pass: secrets.NATS_PASSWORD,
        token: secrets.NATS_TOKEN,
        inboxPrefix: secrets.NATS_USER && inboxPrefixFor(secrets.NATS_USER),
      });
      ctx.releasers.push("nats connection", () => nc.drain());
      const natsLog = log.child({ component: "nats" });
      components.push(natsComponent(nc, (type) => natsLog.info({ status: type }, `nats ${type}`)));
      await provision(nc, config.nats);
      const bus = await openBus(nc);
      registerSystemMetrics({ bus, registry });
      log.info({ url, version: nc.info?.version }, "connected to NATS");

      const instance = instanceId();
      const running: RunningService[] = [];
      for (const def of defs) {
        const svc = await def.start({
          config,
          secrets,
          log: root.child({ service: def.name }),
          bus,
          registry,
          http,
          stop: ctx.stop,
          force: ctx.force,
          instance,
        });
        running.push(svc);
        components.push(svc.component);
      }
      ctx.lifecycle.set("running");
      const unannounce = announcePresence({
        bus,
        services: defs.map((d) => d.name),
        instance,
        http: `http://${server.host}:${server.port}`,
        state: () => ctx.lifecycle.state,
      });
      ctx.releasers.push("presence", unannounce);
      log.info({ services: defs.map((d) => d.name), instance }, "ready");
      await Promise.all(running.map((s) => s.done));
      log.info("all services stopped");
    },
    { graceMs: () => graceMs, log: () => log, ...(opts.proc ? { proc: opts.proc } : {}) },
  );
}
