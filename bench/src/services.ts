import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI } from "./nightshift.ts";
import { startWorker, type Worker } from "./processes.ts";
import { sampleMax, treeRssMb } from "./rss.ts";

/** Starts `nightshift service <name>` with `config` and waits until it is ready. */
export function startService(
  name: string,
  url: string,
  config: Record<string, unknown>,
  env: Record<string, string> = {},
): Promise<Worker> {
  const dir = mkdtempSync(join(tmpdir(), `ns-bench-${name}-`));
  const file = join(dir, "nightshift.yml");
  writeFileSync(file, JSON.stringify({ http: { port: 0 }, log: { level: "warn" }, ...config }));
  return startWorker(
    [CLI, "--config", file, "service", name],
    { NATS_URL: url, LOG_LEVEL: "info", ...env },
    /"msg":"ready"/,
  );
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** RSS (MiB, with child processes) of each service a few seconds after it became ready. */
export async function idleRss(
  url: string,
  names: readonly string[],
  settleMs = 3_000,
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of names) {
    const w = await startService(name, url, {
      executor: { workspaces: mkdtempSync(join(tmpdir(), "ns-bench-ws-")) },
    });
    await sleep(settleMs);
    out[name] = treeRssMb(w.child.pid ?? 0);
    await w.stop();
  }
  return out;
}

/** The scheduler's largest RSS while `schedules` schedules fire every second for `ms`. */
export async function schedulerUnderLoad(
  url: string,
  schedules: number,
  ms: number,
): Promise<number> {
  const config = {
    schedules: Object.fromEntries(
      Array.from({ length: schedules }, (_, i) => [
        `s${i}`,
        { cron: "* * * * * *", task: { prompt: "true", backend: "true" } },
      ]),
    ),
    backends: { true: { type: "command", argv: ["true"] } },
  };
  const w = await startService("scheduler", url, config);
  const rss = sampleMax(() => treeRssMb(w.child.pid ?? 0));
  await sleep(ms);
  const max = rss.stop();
  await w.stop();
  return max;
}

/**
 * A notifier that sends every terminal event to a local webhook, for the duration of
 * `load()`: resolves its largest RSS and the number of notifications received.
 */
export async function notifierUnderLoad(
  url: string,
  load: () => Promise<void>,
): Promise<{ maxRssMb: number; received: number }> {
  let received = 0;
  const sink = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      received++;
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => sink.listen(0, "127.0.0.1", r));
  const address = sink.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  const w = await startService(
    "notifier",
    url,
    {
      notifier: {
        channels: { sink: { type: "webhook", url: `http://127.0.0.1:${port}/hook` } },
        rules: [{ channels: ["sink"] }],
      },
    },
    { NIGHTSHIFT_WEBHOOK_SECRET: "bench-signing-secret" },
  );
  const rss = sampleMax(() => treeRssMb(w.child.pid ?? 0));
  try {
    await load();
    await sleep(2_000);
    return { maxRssMb: rss.stop(), received };
  } finally {
    await w.stop();
    await new Promise<void>((r) => sink.close(() => r()));
  }
}
