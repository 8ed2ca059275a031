import { Hono } from "hono";
import { TrieRouter } from "hono/router/trie-router";
import type { Registry } from "prom-client";
import type { Lifecycle } from "./lifecycle.ts";

/** Something whose readiness and status the health endpoints report. */
export interface Component {
  name: string;
  /** `true` when ready, otherwise the reason it is not. */
  ready(): boolean | string | Promise<boolean | string>;
  status?(): unknown;
}

export interface HealthAppOptions {
  /** Reported as `service` in `/status`. */
  name: string;
  lifecycle: Lifecycle;
  components: () => readonly Component[];
  registry: Registry;
  /** How long one readiness check may take. */
  checkTimeoutMs?: number;
}

async function check(c: Component, timeoutMs: number): Promise<true | string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const r = await Promise.race([
      Promise.resolve(c.ready()),
      new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
      }),
    ]);
    return r === true ? true : r === false ? "not ready" : r;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/**
 * `/livez` (the process answers), `/readyz` (running and every component ready),
 * `/status` (JSON from every component) and `/metrics` (Prometheus text).
 * Services mount their own routes on the returned app.
 */
export function createHealthApp(opts: HealthAppOptions): Hono {
  // Services mount their routes (API, webhooks) after the server already answers /readyz;
  // Hono's default router refuses routes added after its first match, the trie router not.
  const app = new Hono({ router: new TrieRouter() });
  const timeout = opts.checkTimeoutMs ?? 2_000;
  app.get("/livez", (c) => c.json({ live: true }));
  app.get("/readyz", async (c) => {
    const checks: Record<string, true | string> = {
      lifecycle: opts.lifecycle.state === "running" ? true : opts.lifecycle.state,
    };
    const results = await Promise.all(
      opts.components().map(async (comp) => [comp.name, await check(comp, timeout)] as const),
    );
    for (const [name, r] of results) checks[name] = r;
    const ready = Object.values(checks).every((v) => v === true);
    return c.json({ ready, checks }, ready ? 200 : 503);
  });
  app.get("/status", async (c) => {
    const components: Record<string, unknown> = {};
    for (const comp of opts.components()) {
      try {
        components[comp.name] = comp.status ? await comp.status() : {};
      } catch (err) {
        components[comp.name] = { error: err instanceof Error ? err.message : String(err) };
      }
    }
    return c.json({
      service: opts.name,
      state: opts.lifecycle.state,
      since: new Date(opts.lifecycle.since).toISOString(),
      pid: process.pid,
      uptimeSec: Math.round(process.uptime()),
      components,
    });
  });
  app.get("/metrics", async (c) => {
    const text = await opts.registry.metrics();
    return c.body(text, 200, { "content-type": opts.registry.contentType });
  });
  return app;
}
