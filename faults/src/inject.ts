import { Streams } from "@nightshift/contracts";
import type { ClusterNode } from "@nightshift/natsd";
import type { FaultKind } from "./profile.ts";
import type { Random } from "./random.ts";
import type { ServiceProcess } from "./service-process.ts";
import { NATS_TIMINGS, type Topology } from "./topology.ts";
import type { Workload } from "./workload.ts";

/** One injected fault, for the report. */
export interface FaultRecord {
  kind: FaultKind;
  /** Wall-clock ms when it began. */
  at: number;
  /** How long until the faulty part was back (ms). */
  ms: number;
  detail: string;
}

export interface InjectDeps {
  topo: Topology;
  workload: Workload;
  rng: Random;
  /** Times at which executors were killed, for the checker. */
  crashes: number[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function pick<T>(rng: Random, items: readonly T[]): T | undefined {
  return items[rng.int(items.length)];
}

/** An executor is paused for longer than both its lease and its messages' ack wait. */
export const PAUSE_MS = NATS_TIMINGS.leaseTtl + NATS_TIMINGS.ackWait + 1_000;

async function killExecutors(d: InjectDeps, n: number): Promise<string> {
  const live = d.topo.executors.filter((e) => e.running() && !e.paused());
  const victims: ServiceProcess[] = [];
  while (victims.length < n && live.length > 0) {
    const v = live.splice(d.rng.int(live.length), 1)[0];
    if (v) victims.push(v);
  }
  await Promise.all(
    victims.map(async (v) => {
      d.crashes.push(Date.now());
      await v.kill();
    }),
  );
  await sleep(1_500);
  await Promise.all(victims.map((v) => v.start()));
  return `kill -9 ${victims.map((v) => v.name).join(", ")}; restarted after 1.5 s`;
}

async function restartNode(d: InjectDeps, node: ClusterNode, how: "kill" | "term"): Promise<void> {
  if (how === "kill") {
    node.signal("SIGKILL");
    await node.exited();
    await sleep(2_000);
    await node.restart();
  } else {
    await node.restart();
  }
  await d.topo.cluster.waitReady(90_000);
}

/** Injects one fault and resolves once the faulty part is back. */
export async function inject(kind: FaultKind, d: InjectDeps): Promise<FaultRecord> {
  const at = Date.now();
  const done = (detail: string): FaultRecord => ({ kind, at, ms: Date.now() - at, detail });
  const { cluster } = d.topo;
  switch (kind) {
    case "executor-kill":
      return done(await killExecutors(d, 1));
    case "executor-kill-two":
      return done(await killExecutors(d, 2));
    case "executor-pause": {
      const v = pick(
        d.rng,
        d.topo.executors.filter((e) => e.running() && !e.paused()),
      );
      if (!v) return done("no executor to pause");
      v.pause();
      await sleep(PAUSE_MS);
      v.resume();
      return done(
        `SIGSTOP ${v.name} for ${PAUSE_MS} ms (lease TTL ${NATS_TIMINGS.leaseTtl} ms), then SIGCONT`,
      );
    }
    case "nats-node-kill": {
      const node = pick(d.rng, cluster.nodes);
      if (!node) return done("no node");
      await restartNode(d, node, "kill");
      return done(`kill -9 ${node.name}, restarted after 2 s`);
    }
    case "nats-node-restart": {
      const node = pick(d.rng, cluster.nodes);
      if (!node) return done("no node");
      await restartNode(d, node, "term");
      return done(`SIGTERM ${node.name}, restarted`);
    }
    case "leader-loss": {
      const info = await d.topo.bus.jsm.streams.info(Streams.tasks);
      const leaderName = info.cluster?.leader;
      const meta = await cluster.metaLeader();
      const node = cluster.nodes.find((n) => n.name === leaderName);
      if (!node) return done(`TASKS has no leader to kill (${leaderName ?? "none"})`);
      await restartNode(d, node, "kill");
      const also = meta?.name === node.name ? " (also the meta leader)" : "";
      return done(`kill -9 ${node.name}, leader of TASKS${also}; restarted after 2 s`);
    }
    case "cluster-restart": {
      for (const n of cluster.nodes) n.signal("SIGKILL");
      await Promise.all(cluster.nodes.map((n) => n.exited()));
      await sleep(1_000);
      await Promise.all(cluster.nodes.map((n) => n.restart()));
      await cluster.waitReady(90_000);
      return done("kill -9 of all 3 nodes, restarted together");
    }
    case "duplicates": {
      d.workload.duplicate("same-id", 10);
      d.workload.duplicate("new-msg-id", 10);
      return done("10 re-submissions with the same id, 10 re-publications with a new Nats-Msg-Id");
    }
    case "malformed":
      d.workload.publishMalformed();
      return done("4 payloads: not JSON, invalid id, not a task, binary");
  }
}
