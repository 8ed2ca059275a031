import { EventEmitter } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpClient } from "@nightshift/client";
import { Presence } from "@nightshift/contracts";
import { hostServices, SERVICE_NAMES } from "@nightshift/host";
import { parseConfig } from "@nightshift/config";
import {
  connectNats,
  openBus,
  provision,
  type Bus,
  type NatsConnection,
} from "@nightshift/messaging";
import { parsePrometheusText, startTestNats, waitFor, type TestNats } from "@nightshift/testkit";
import { serviceDefinitions } from "./services.ts";

/** What every service exposes, from the shared collector and the process. */
const EVERY_SERVICE = [
  "nightshift_queue_messages",
  "nightshift_queue_pending",
  "nightshift_queue_ack_pending",
  "nightshift_queue_oldest_age_seconds",
  "nightshift_tasks",
  "nightshift_tasks_waiting",
  "nightshift_dlq_messages",
  "nightshift_task_tokens",
  "nightshift_task_spend_usd",
  "nightshift_spend_today_usd",
  "nightshift_rate_limited_tasks",
  "nightshift_rate_limit_reset_seconds",
  "nightshift_leases_held",
  "nightshift_paused",
  "nightshift_metrics_collect_errors_total",
  "nightshift_process_resident_memory_bytes",
];
/** What the executor adds: the figures only the process running tasks can measure. */
const EXECUTOR = [
  "nightshift_dispatch_latency_seconds",
  "nightshift_task_duration_seconds",
  "nightshift_task_outcomes_total",
  "nightshift_lease_contention_total",
  "nightshift_executor_running_tasks",
];
const TOKEN = "metrics-token-0123456789";

let nats: TestNats;
let nc: NatsConnection;
let bus: Bus;
const signals = new EventEmitter();
const proc = {
  on: (s: string, f: (s: NodeJS.Signals) => void) => signals.on(s, f),
  off: (s: string, f: (s: NodeJS.Signals) => void) => signals.off(s, f),
} as unknown as Pick<NodeJS.Process, "on" | "off">;
const exits: Promise<number>[] = [];

beforeAll(async () => {
  nats = await startTestNats();
  nc = await connectNats({ servers: nats.url, name: "metrics-test" });
  const dir = mkdtempSync(join(tmpdir(), "ns-metrics-"));
  const configPath = join(dir, "nightshift.yml");
  writeFileSync(
    configPath,
    [
      "http: { host: 127.0.0.1, port: 0 }",
      `executor: { workspaces: ${JSON.stringify(join(dir, "ws"))}, defaultBackend: shell }`,
      'backends: { shell: { type: command, argv: ["sh", "-c", "{prompt}"] } }',
      "",
    ].join("\n"),
  );
  const env = { NATS_URL: nats.url, LOG_LEVEL: "silent", NIGHTSHIFT_API_TOKENS: `t:${TOKEN}` };
  const defs = serviceDefinitions(env);
  // Each service hosted exactly as `nightshift service <name>` hosts it, with its own HTTP server.
  for (const name of SERVICE_NAMES)
    exits.push(hostServices([defs[name]], { name, env, configPath, proc }));
  await provision(nc, parseConfig({}, {}).config.nats);
  bus = await openBus(nc);
});

afterAll(async () => {
  signals.emit("SIGTERM", "SIGTERM");
  const codes = await Promise.all(exits);
  expect(codes).toEqual(SERVICE_NAMES.map(() => 143));
  await nc.close();
  await nats.dispose();
});

async function endpoints(): Promise<Map<string, string>> {
  return waitFor(
    async () => {
      const out = new Map<string, string>();
      for await (const key of await bus.kv.services.keys()) {
        const p = Presence.safeParse((await bus.kv.services.get(key))?.json());
        if (p.success && p.data.state === "running" && p.data.http)
          out.set(p.data.service, p.data.http);
      }
      return out.size === SERVICE_NAMES.length ? out : undefined;
    },
    { timeoutMs: 20_000, message: "every service to announce itself" },
  );
}

describe("/metrics on every service", () => {
  it("serves valid Prometheus text with the queue, task, spend, rate-limit, lease and DLQ metrics", async () => {
    const urls = await endpoints();
    // Run a task so the executor's histograms have observations.
    const client = httpClient({ url: urls.get("api")!, token: TOKEN });
    const { id } = await client.submit({ prompt: "echo measured", backend: "shell" });
    await waitFor(async () => (await client.get(id))?.state === "succeeded", {
      timeoutMs: 20_000,
      message: "the task to succeed",
    });

    for (const name of SERVICE_NAMES) {
      const res = await fetch(`${urls.get(name)!}/metrics`);
      expect(res.status, name).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      const families = parsePrometheusText(await res.text());
      const wanted = name === "executor" ? [...EVERY_SERVICE, ...EXECUTOR] : EVERY_SERVICE;
      expect(
        wanted.filter((m) => !families.has(m)),
        name,
      ).toEqual([]);
      const succeeded = families
        .get("nightshift_tasks")
        ?.samples.find((s) => s.labels["state"] === "succeeded");
      expect(succeeded, name).toMatchObject({ value: 1, labels: { service: name } });
      expect(
        families.get("nightshift_tasks_waiting")?.samples.map((s) => s.labels["reason"]),
      ).toEqual(
        expect.arrayContaining([
          "repo-busy",
          "rate-limited",
          "budget",
          "awaiting-approval",
          "paused",
        ]),
      );
    }
    const executor = parsePrometheusText(
      await (await fetch(`${urls.get("executor")!}/metrics`)).text(),
    );
    const dispatch = executor.get("nightshift_dispatch_latency_seconds")!;
    expect(dispatch.type).toBe("histogram");
    expect(dispatch.samples.find((s) => s.name.endsWith("_count"))?.value).toBe(1);
    expect(
      executor
        .get("nightshift_task_outcomes_total")
        ?.samples.find(
          (s) => s.labels["backend"] === "shell" && s.labels["outcome"] === "succeeded",
        )?.value,
    ).toBe(1);
  });
});
