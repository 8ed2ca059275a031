import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVICE_NAMES } from "@nightshift/host";
import { waitFor } from "@nightshift/testkit";
import { buildCli, composeFixture, type ComposeFixture } from "./fixture.int.ts";
import { argv, startOrder } from "./model.ts";
import { healthy, type RunningProcess } from "./process.ts";

let f: ComposeFixture;
beforeAll(async () => {
  buildCli();
  f = await composeFixture();
}, 180_000);
afterAll(async () => {
  await f.dispose();
});

/** What `docker compose up` starts: every service not behind a profile. */
function upServices(): string[] {
  return startOrder(f.compose).filter((s) => f.compose.services[s]?.profiles.length === 0);
}

/** How a service's dependents wait for it, by the conditions in their depends_on. */
function conditionsOn(service: string): Set<string> {
  return new Set(
    Object.values(f.compose.services).flatMap((s) =>
      Object.entries(s.depends_on)
        .filter(([dep]) => dep === service)
        .map(([, c]) => c),
    ),
  );
}

describe("docker-compose.yml, run outside containers", () => {
  it("starts every service exactly as its container command says, each passes its health check, and all drain on SIGTERM", async () => {
    const nats = await f.startNats();
    const varz = (await (await fetch(`${nats.monitor}/varz`)).json()) as {
      jetstream: { config: { sync_always?: boolean } };
    };
    expect(varz.jetstream.config.sync_always).toBe(true);

    // Before `provision` ran, a service's own NATS user may not create streams: it stops
    // with the one thing to do, instead of half-working.
    const early = f.start("scheduler");
    expect(await early.exited).toBe(1);
    expect(early.output()).toContain("may not publish");
    expect(early.output()).toContain("$JS.API.STREAM.CREATE.TASKS");
    expect(early.output()).toContain("run `nightshift provision`");

    const started = new Map<string, RunningProcess>();
    for (const name of upServices()) {
      if (name === "nats") continue;
      const plan = f.plan(name);
      expect(plan.argv.slice(0, 3)).toEqual(["/usr/bin/tini", "--", "nightshift"]);
      expect(plan.argv.slice(3)).toEqual(argv(f.compose.services[name]?.command));
      const proc = f.start(name);
      started.set(name, proc);
      const wanted = conditionsOn(name);
      if (wanted.has("service_completed_successfully")) {
        const code = await proc.exited;
        expect(code, `${name} output:\n${proc.output()}`).toBe(0);
      } else if (plan.healthcheck !== undefined) {
        await waitFor(
          async () => {
            if (proc.child.exitCode !== null) throw new Error(`${name} exited: ${proc.output()}`);
            return healthy(plan);
          },
          {
            timeoutMs: 45_000,
            intervalMs: 500,
            message: `${name} to pass its compose health check`,
          },
        );
      }
    }
    for (const name of SERVICE_NAMES) {
      expect(started.has(name), `docker-compose.yml runs service ${name}`).toBe(true);
      const plan = f.plan(name);
      const res = await fetch(`http://127.0.0.1:${plan.env["NIGHTSHIFT_HTTP_PORT"]}/readyz`);
      expect(await res.json()).toMatchObject({ ready: true });
    }

    // An operator's CLI (`docker compose run --rm cli …`) sees every service, and a task
    // submitted there runs on the executor under the executor's own NATS user.
    const status = f.start("cli", ["status", "--json"]);
    expect(await status.exited, status.output()).toBe(0);
    const services = (JSON.parse(status.output()) as { services: { service: string }[] }).services;
    expect(new Set(services.map((s) => s.service))).toEqual(new Set(SERVICE_NAMES));
    const submit = f.start("cli", [
      "submit",
      "--wait",
      "--backend",
      "shell",
      "--",
      "echo done > DONE.md",
    ]);
    expect(await submit.exited, submit.output()).toBe(0);

    for (const [name, proc] of [...started].reverse()) {
      if (proc.child.exitCode !== null) continue;
      expect(await proc.stop("SIGTERM"), `${name} output:\n${proc.output()}`).toBe(128 + 15);
    }
  }, 240_000);
});
