// `npm run bench`: nightshift's dispatch latency and throughput beside the floor (raw
// JetStream + process spawn) measured in the same run on the same nats-server.
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "@nightshift/config";
import { connectNats, openBus, provision } from "@nightshift/messaging";
import { findNatsServer, startNatsServer } from "@nightshift/natsd";
import { runFloor } from "./floor.ts";
import { runNightshift } from "./nightshift.ts";
import type { RunResult } from "./result.ts";
import { summarise } from "./stats.ts";

const SAMPLES = Number(process.env["BENCH_SAMPLES"] ?? 200);
const BURST = Number(process.env["BENCH_BURST"] ?? 1000);
const SLOTS = [1, 8];

const bin = await findNatsServer({ env: process.env });
const dir = mkdtempSync(join(tmpdir(), "ns-bench-nats-"));
const server = await startNatsServer({ bin: bin.path, dir });
const nc = await connectNats({ servers: server.url, name: "bench" });
await provision(nc, parseConfig({}, {}).config.nats);
const bus = await openBus(nc);

const rows: { slots: number; floor: RunResult; nightshift: RunResult }[] = [];
try {
  for (const slots of SLOTS) {
    process.stderr.write(`floor, ${slots} slot(s)…\n`);
    const floor = await runFloor(nc, server.url, slots, SAMPLES, BURST);
    process.stderr.write(`nightshift, ${slots} slot(s)…\n`);
    const ns = await runNightshift(nc, bus, server.url, slots, SAMPLES, BURST);
    rows.push({ slots, floor, nightshift: ns });
  }
} finally {
  await nc.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}

const f = (n: number, d = 2): string => n.toFixed(d);
const lines = [
  `nightshift bench: nats-server ${bin.version}, Node ${process.versions.node}, ${cpus().length} CPU(s) (${cpus()[0]?.model ?? "?"})`,
  `${SAMPLES} sequential tasks for latency (publish → agent process spawned), ${BURST} tasks for throughput`,
  "",
  "slots | floor p50 ms | floor p99 ms | nightshift p50 ms | nightshift p99 ms | p50 ratio | floor tasks/s | nightshift tasks/s | throughput ratio",
  "----- | ------------ | ------------ | ----------------- | ----------------- | --------- | ------------- | ------------------ | ----------------",
];
for (const r of rows) {
  const a = summarise(r.floor.latencies);
  const b = summarise(r.nightshift.latencies);
  lines.push(
    `${String(r.slots).padStart(5)} | ${f(a.p50).padStart(12)} | ${f(a.p99).padStart(12)} | ${f(b.p50).padStart(17)} | ${f(b.p99).padStart(17)} | ${f(b.p50 / a.p50).padStart(9)} | ${f(r.floor.throughput, 0).padStart(13)} | ${f(r.nightshift.throughput, 0).padStart(18)} | ${f(r.nightshift.throughput / r.floor.throughput).padStart(16)}`,
  );
}
const one = rows.find((r) => r.slots === 1);
const eight = rows.find((r) => r.slots === 8);
if (one && eight) {
  const p50Ratio = summarise(one.nightshift.latencies).p50 / summarise(one.floor.latencies).p50;
  const tputRatio = eight.nightshift.throughput / eight.floor.throughput;
  lines.push(
    "",
    `targets: p50 dispatch latency within 2x the floor: ${f(p50Ratio)}x ${p50Ratio <= 2 ? "(met)" : "(NOT met)"}; ` +
      `8-slot throughput at least half the floor's: ${f(tputRatio)} ${tputRatio >= 0.5 ? "(met)" : "(NOT met)"}`,
  );
}
process.stdout.write(`${lines.join("\n")}\n`);
