// `npm run bench [-- --write BENCHMARKS.md]`: nightshift's dispatch latency and throughput
// beside the floor (raw JetStream + process spawn) and beside BullMQ on Redis, measured in
// the same run on this machine; lease contention, the cost of `sync_interval: always`, and
// the memory of every service.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { parseArgs } from "node:util";
import { parseConfig } from "@nightshift/config";
import { connectNats, openBus, provision, type Bus } from "@nightshift/messaging";
import { findNatsServer, startNatsServer, type RunningNatsServer } from "@nightshift/natsd";
import { runBullmq } from "./bullmq.ts";
import { runContention } from "./contention.ts";
import { emailGatewayUnderLoad } from "./email-gateway-load.ts";
import { runFloor } from "./floor.ts";
import { renderMarkdown, type BenchReport, type Round } from "./markdown.ts";
import { poolNightshift, runNightshift, type NightshiftRun } from "./nightshift.ts";
import { pollerUnderLoad } from "./poller-load.ts";
import { startRedis } from "./redis.ts";
import { poolRuns, type RunResult } from "./result.ts";
import { makeRepos } from "./repos.ts";
import { idleRss, notifierUnderLoad, schedulerUnderLoad } from "./services.ts";

const { values } = parseArgs({ options: { write: { type: "string" } } });
const SAMPLES = Number(process.env["BENCH_SAMPLES"] ?? 200);
// Run before each latency series and not measured: the dispatch path's code compiled and
// its feedback settled, as in a worker that has been running for a while.
const WARMUP = Number(process.env["BENCH_WARMUP"] ?? 300);
const BURST = Number(process.env["BENCH_BURST"] ?? 1000);
const CONTENTION_BURST = Number(process.env["BENCH_CONTENTION_BURST"] ?? 100);
const ROUNDS = Math.max(1, Number(process.env["BENCH_ROUNDS"] ?? 3));
const SLOTS = [1, 8, 32];
const say = (m: string): void => void process.stderr.write(`[bench] ${m}\n`);
const f1 = (n: number): string => n.toFixed(1);

interface Nats {
  server: RunningNatsServer;
  bus: Bus;
  close(): Promise<void>;
}

async function startNats(bin: string, dir: string, syncAlways: boolean): Promise<Nats> {
  const server = await startNatsServer({ bin, dir, syncAlways });
  killOnExit.push(() => server.signal("SIGKILL"));
  const nc = await connectNats({ servers: server.url, name: "bench" });
  await provision(nc, parseConfig({}, {}).config.nats);
  const bus = await openBus(nc);
  return {
    server,
    bus,
    async close() {
      await nc.close();
      await server.stop();
    },
  };
}

// A crash of the bench takes its servers with it.
const killOnExit: (() => void)[] = [];
process.on("exit", () => killOnExit.forEach((k) => k()));
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => process.exit(130));

const root = mkdtempSync(join(tmpdir(), "ns-bench-root-"));
const bin = await findNatsServer({ env: process.env });
const loadBefore = loadavg();
const started = Date.now();
const lazy = await startNats(bin.path, join(root, "nats-default"), false);
const always = await startNats(bin.path, join(root, "nats-always"), true);
const redis = await startRedis(join(root, "redis"));
killOnExit.push(() => {
  try {
    process.kill(redis.pid, "SIGKILL");
  } catch {
    // already gone
  }
});
const report: BenchReport = {
  samples: SAMPLES,
  warmup: WARMUP,
  burst: BURST,
  rounds: ROUNDS,
  natsVersion: bin.version,
  redisVersion: redis.version,
  loadBefore,
  loadAfter: [0, 0, 0],
  seconds: 0,
  slots: [],
  sync: [],
  contention: undefined,
  sandbox: undefined,
  memory: { idle: {}, underLoad: {} },
};
try {
  const { bus, server } = lazy;
  for (const slots of SLOTS) {
    // The floor and nightshift take turns, round after round (each going first in every
    // other round): a machine that gets slower or faster during the run weighs on both.
    const rounds: Round[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const of = `${slots} slot(s), round ${round} of ${ROUNDS}`;
      const floor = (): Promise<RunResult> => {
        say(`floor, ${of}…`);
        return runFloor(bus.nc, server.url, slots, SAMPLES, BURST, WARMUP);
      };
      const nightshift = (): Promise<NightshiftRun> => {
        say(`nightshift, ${of}…`);
        return runNightshift(bus.nc, bus, server.url, {
          slots,
          samples: SAMPLES,
          warmup: WARMUP,
          burst: BURST,
        });
      };
      if (round % 2 === 1) {
        const f = await floor();
        rounds.push({ floor: f, nightshift: await nightshift() });
      } else {
        const n = await nightshift();
        rounds.push({ floor: await floor(), nightshift: n });
      }
    }
    say(`BullMQ, ${slots} slot(s)…`);
    const bullmq = await runBullmq(redis.port, slots, SAMPLES, BURST, WARMUP);
    report.slots.push({
      slots,
      floor: poolRuns(rounds.map((r) => r.floor)),
      nightshift: poolNightshift(rounds.map((r) => r.nightshift)),
      bullmq,
      rounds,
    });
  }

  for (const [label, n] of [
    ["default (lazy fsync)", lazy],
    ["sync_interval: always", always],
  ] as const) {
    say(`${label}: floor and nightshift, 8 slots…`);
    const floor = await runFloor(n.bus.nc, n.server.url, 8, SAMPLES, BURST, WARMUP);
    const nightshift = await runNightshift(n.bus.nc, n.bus, n.server.url, {
      slots: 8,
      samples: SAMPLES,
      warmup: WARMUP,
      burst: BURST,
    });
    report.sync.push({ label, floor, nightshift });
  }

  say("nightshift with the default sandbox, 8 slots…");
  report.sandbox = await runNightshift(bus.nc, bus, server.url, {
    slots: 8,
    samples: SAMPLES,
    warmup: WARMUP,
    burst: BURST,
    sandbox: "auto",
  });

  say("lease contention…");
  const repoDir = join(root, "repos");
  const spread = makeRepos(join(repoDir, "spread"), CONTENTION_BURST);
  const few = makeRepos(join(repoDir, "few"), 2);
  report.contention = {
    burst: CONTENTION_BURST,
    slots: 8,
    ...(await runContention(bus.nc, bus, server.url, {
      slots: 8,
      burst: CONTENTION_BURST,
      spread,
      few,
      busyDelays: ["5s", "250ms"],
    })),
  };

  say("memory of each service…");
  report.memory.idle = await idleRss(server.url, [
    "executor",
    "scheduler",
    "poller",
    "email-gateway",
    "notifier",
  ]);
  const executor8 = report.slots.find((r) => r.slots === 8);
  report.memory.underLoad["executor"] = {
    mb: executor8?.nightshift.maxRssMb ?? 0,
    load: `draining ${BURST} tasks with 8 slots`,
  };
  report.memory.underLoad["scheduler"] = {
    mb: await schedulerUnderLoad(server.url, 50, 15_000),
    load: "50 schedules firing every second for 15 s",
  };
  const notified = await notifierUnderLoad(server.url, async () => {
    await runNightshift(bus.nc, bus, server.url, { slots: 8, samples: 0, burst: 500 });
  });
  report.memory.underLoad["notifier"] = {
    mb: notified.maxRssMb,
    load: `a webhook per finished task while 500 tasks drain (${notified.received} sent, earlier runs' events included)`,
  };

  // The poller's and the gateway's tasks go to a server of their own: no executor takes
  // them, none of them lingers for a later run, and they are counted apart.
  const sources = await startNats(bin.path, join(root, "nats-sources"), false);
  try {
    const load = { repos: 4, issuesPerRepo: 75, pullsPerRepo: 2, afterMs: 5_000 };
    say("poller under load…");
    const polled = await pollerUnderLoad(sources.server.url, sources.bus, load);
    report.memory.underLoad["poller"] = {
      mb: polled.maxRssMb,
      load: `${load.repos} repositories on a fake GitHub with ${load.repos * load.issuesPerRepo} labelled issues and ${load.repos * load.pullsPerRepo} of the agent's pull requests with a failing check, polled every 500 ms: ${polled.tasks} of ${polled.expected} tasks in ${f1(polled.seconds)} s, then ${f1(load.afterMs / 1000)} s of status comments (${polled.comments} written by then)`,
    };
    say("email gateway under load…");
    const mails = 300;
    const mailed = await emailGatewayUnderLoad(sources.server.url, sources.bus, mails);
    if ("notMeasured" in mailed)
      say(`email gateway under load: not measured: ${mailed.notMeasured}`);
    report.memory.underLoad["email-gateway"] =
      "notMeasured" in mailed
        ? mailed
        : {
            mb: mailed.maxRssMb,
            load: `${mails} mails arriving at once in a Dovecot inbox (one in ten with an attachment): ${mailed.tasks} of ${mailed.expected} tasks in ${f1(mailed.seconds)} s`,
          };
  } finally {
    await sources.close();
  }
  report.memory.baselines = {
    floor: executor8?.floor.maxRssMb ?? 0,
    bullmq: executor8?.bullmq.maxRssMb ?? 0,
  };
} finally {
  await lazy.close();
  await always.close();
  await redis.stop();
  rmSync(root, { recursive: true, force: true });
}
report.loadAfter = loadavg();
report.seconds = (Date.now() - started) / 1000;

const markdown = renderMarkdown(report);
process.stdout.write(`${markdown}\n`);
if (values.write !== undefined) {
  writeFileSync(values.write, `${markdown}\n`);
  say(`written to ${values.write}`);
}
