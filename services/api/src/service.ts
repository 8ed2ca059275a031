import type { ServiceDefinition } from "@nightshift/host";
import { decideAccess } from "./access.ts";
import { createApiApp } from "./app.ts";
import { startSeriesSampler } from "./series.ts";

export interface ApiServiceOptions {
  /** `nightshift up`: with no tokens configured, serve anyone on a loopback address. */
  openOnLoopback?: boolean;
}

/**
 * The HTTP API and dashboard, mounted on the service's HTTP server next to the health
 * endpoints. With no tokens (and not `up` on loopback) the API answers 503 to everything.
 */
export function apiService(opts: ApiServiceOptions = {}): ServiceDefinition {
  return {
    name: "api",
    start(deps) {
      const { config, bus, log } = deps;
      const access = decideAccess({
        tokens: deps.secrets.NIGHTSHIFT_API_TOKENS,
        openOnLoopback: opts.openOnLoopback === true,
        host: config.http.host,
      });
      const series = startSeriesSampler({
        bus,
        intervalMs: config.api.sampleInterval,
        size: config.api.samples,
        onError: (err) => log.warn({ err }, "sampling the queue failed"),
      });
      deps.http.route(
        "/",
        createApiApp({ bus, access, maxBodyBytes: config.api.maxBodyBytes, series, log }),
      );
      if (access.mode === "off") log.warn(access.reason);
      else
        log.info(
          {
            access: access.mode,
            tokens: access.mode === "tokens" ? access.tokens.map((t) => t.name) : [],
          },
          "API and dashboard mounted at /api/v1 and /dashboard/",
        );
      const done = new Promise<void>((resolve) => {
        if (deps.stop.aborted) resolve();
        else deps.stop.addEventListener("abort", () => resolve(), { once: true });
      }).then(() => series.stop());
      return Promise.resolve({
        component: {
          name: "api",
          ready: () => true,
          status: () => ({
            access: access.mode,
            ...(access.mode === "off" ? { reason: access.reason } : {}),
            ...(access.mode === "tokens" ? { tokens: access.tokens.map((t) => t.name) } : {}),
            samples: series.series().samples.length,
          }),
        },
        done,
      });
    },
  };
}
