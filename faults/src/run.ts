import { Streams } from "@nightshift/contracts";
import { check, type CheckResult } from "./checker.ts";
import { collect } from "./collect.ts";
import { diagnose } from "./diagnose.ts";
import { inject, type FaultRecord } from "./inject.ts";
import type { Profile } from "./profile.ts";
import { seededRandom } from "./random.ts";
import { NATS_TIMINGS, startTopology, type Topology } from "./topology.ts";
import { Workload, type WorkloadStats } from "./workload.ts";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The longest an agent of the suite runs: well under lease TTL − heartbeat (see lease-check). */
export const MAX_AGENT_MS = NATS_TIMINGS.leaseTtl - NATS_TIMINGS.heartbeat;

export interface RunOutcome {
  profile: Profile;
  seed: number;
  natsVersion: string;
  faults: FaultRecord[];
  result: CheckResult;
  submitted: { client: number; scheduler: number; poller: number; issues: number; refused: number };
  workload: WorkloadStats;
  executions: number;
  pushes: number;
  dlqReasons: Record<string, number>;
  /** Executor log lines: pushes refused because the lease was lost, agents stopped for it. */
  zombie: { pushesRefused: number; agentsStopped: number };
  unexpectedExits: string[];
  durations: { windowSec: number; settleSec: number; totalSec: number };
  /** Set when the run could not be completed (the world did not come back). */
  error?: string;
  /** Set when the tasks did not all finish: what the services and NATS said then. */
  diagnosis?: string;
}

async function submitAll(p: Profile, topo: Topology, w: Workload, seed: number): Promise<void> {
  const rng = seededRandom(seed ^ 0x5eed);
  const steady = p.tasks - p.bursts * p.burstSize;
  const events: { at: number; run: () => void }[] = [];
  const repo = (): string => {
    // Most work on two hot repositories: holders of one lease queue behind each other.
    const hot = rng.next() < 0.5;
    return (
      topo.repos[hot ? rng.int(Math.min(2, topo.repos.length)) : rng.int(topo.repos.length)] ?? ""
    );
  };
  for (let i = 0; i < steady; i++) {
    const r = repo();
    const work = rng.between(0.05, 0.3);
    events.push({ at: (i / steady) * p.windowSec * 1000, run: () => w.submit(r, work) });
  }
  for (let b = 0; b < p.bursts; b++) {
    const r = topo.repos[rng.int(topo.repos.length)] ?? "";
    events.push({
      at: rng.between(0.1, 0.9) * p.windowSec * 1000,
      run: () => {
        for (let i = 0; i < p.burstSize; i++) w.submit(r, rng.between(0.05, 0.2));
      },
    });
  }
  for (let i = 0; i < p.issues; i++) {
    events.push({
      at: ((i + 0.25) / p.issues) * p.windowSec * 1000,
      run: () => topo.github?.openIssue(),
    });
  }
  for (let i = 0; i < p.refused; i++) {
    const r = repo();
    events.push({
      at: ((i + 0.5) / p.refused) * p.windowSec * 1000,
      run: () => w.submit(r, 0.1, "dead"),
    });
  }
  events.sort((a, b) => a.at - b.at);
  const t0 = Date.now();
  for (const e of events) {
    const wait = t0 + e.at - Date.now();
    if (wait > 0) await sleep(wait);
    e.run();
  }
}

async function settle(topo: Topology, deadline: number): Promise<boolean> {
  const finished = new Set<string>();
  while (Date.now() < deadline) {
    try {
      const ids = (await topo.bus.tasks.ids()).filter((id) => !finished.has(id));
      for (let i = 0; i < ids.length; i += 64) {
        await Promise.all(
          ids.slice(i, i + 64).map(async (id) => {
            const s = (await topo.bus.tasks.get(id))?.record.state;
            if (s === "succeeded" || s === "failed" || s === "blocked" || s === "cancelled")
              finished.add(id);
          }),
        );
      }
      const open = (await topo.bus.tasks.ids()).filter((id) => !finished.has(id)).length;
      const queued = (await topo.bus.jsm.streams.info(Streams.tasks)).state.messages;
      if (open === 0 && queued === 0) return true;
    } catch {
      // NATS still recovering: ask again
    }
    await sleep(2_000);
  }
  return false;
}

function countLines(text: string, needle: string): number {
  return text.split("\n").filter((l) => l.includes(needle)).length;
}

/** One run of the suite: topology up, work and faults, settle, collect, check, tear down. */
export async function runFaults(
  profile: Profile,
  seed: number,
  dir: string,
  say: (line: string) => void,
  onKill: (kill: () => void) => void,
): Promise<RunOutcome> {
  const started = Date.now();
  const topo = await startTopology(profile, dir, say, (cluster) =>
    onKill(() => {
      for (const n of cluster.nodes) n.signal("SIGKILL");
    }),
  );
  onKill(() => topo.killNow());
  say(
    `topology up: 3 NATS nodes (${topo.natsVersion}), ${profile.executors} executors × ${profile.slots} slots, a scheduler, ${profile.repos} repositories`,
  );
  const rng = seededRandom(seed);
  const workload = new Workload(topo.bus, rng);
  const crashes: number[] = [];
  const faults: FaultRecord[] = [];
  let error: string | undefined;
  const t0 = Date.now();
  const submitting = submitAll(profile, topo, workload, seed);
  const injecting = (async () => {
    for (const stepDef of profile.faults) {
      const wait = t0 + stepDef.at * 1000 - Date.now();
      if (wait > 0) await sleep(wait);
      const f = await inject(stepDef.kind, { topo, workload, rng, crashes });
      faults.push(f);
      say(`+${Math.round((f.at - t0) / 1000)}s ${f.kind}: ${f.detail} (${f.ms} ms)`);
    }
  })();
  let settledAt = Date.now();
  let diagnosis: string | undefined;
  let input;
  let scheduled = 0;
  let polled = 0;
  try {
    await Promise.all([submitting, injecting]);
    const windowEnd = Date.now();
    await topo.scheduler.stop(10_000);
    await Promise.race([workload.settled(), sleep(profile.settleSec * 1000)]);
    say(
      `window over after ${Math.round((windowEnd - t0) / 1000)} s; waiting for every task to finish`,
    );
    const settled = await settle(topo, Date.now() + profile.settleSec * 1000);
    settledAt = Date.now();
    if (!settled) {
      say(`not everything finished within ${profile.settleSec} s`);
      diagnosis = await diagnose(topo);
      say(diagnosis);
    }
    const collected = await collect({
      bus: topo.bus,
      submitted: workload.submitted,
      malformed: workload.malformed,
      schedulerLog: topo.scheduler.log(),
      scheduleRepo: topo.scheduleRepo,
      origins: [...topo.repos, topo.scheduleRepo],
      agentLog: topo.agentLog,
      crashes,
      maxAgentMs: MAX_AGENT_MS,
      github: topo.github,
    });
    input = collected.input;
    scheduled = collected.scheduled;
    polled = collected.polled;
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  const executorLogs = topo.executors.map((e) => e.log()).join("\n");
  const unexpectedExits = [
    ...topo.executors,
    topo.scheduler,
    ...(topo.poller ? [topo.poller] : []),
  ].flatMap((s) =>
    s.exits.filter((e) => !e.expected).map((e) => `${s.name} (${e.signal ?? `code ${e.code}`})`),
  );
  await topo.close();
  const result = check(
    input ?? {
      submitted: workload.submitted,
      malformed: [],
      records: [],
      queued: [],
      executions: [],
      pushes: [],
      delivered: [],
      completions: {},
      dlq: [],
      crashes,
      maxAgentMs: MAX_AGENT_MS,
    },
  );
  const dlqReasons: Record<string, number> = {};
  for (const e of input?.dlq ?? [])
    dlqReasons[e.reason ?? "(none)"] = (dlqReasons[e.reason ?? "(none)"] ?? 0) + 1;
  const windowSec = (Math.max(t0, ...faults.map((f) => f.at + f.ms)) - t0) / 1000;
  return {
    profile,
    seed,
    natsVersion: topo.natsVersion,
    faults,
    result,
    submitted: {
      client: workload.submitted.filter((t) => t.expect === "succeed").length,
      scheduler: scheduled,
      poller: polled,
      issues: topo.github?.issues.length ?? 0,
      refused: workload.submitted.filter((t) => t.expect === "dead").length,
    },
    workload: workload.stats,
    executions: input?.executions.length ?? 0,
    pushes: input?.pushes.length ?? 0,
    dlqReasons,
    zombie: {
      pushesRefused: countLines(executorLogs, "lease lost before the push"),
      agentsStopped: countLines(executorLogs, "repository lease lost: stopping the agent"),
    },
    unexpectedExits,
    durations: {
      windowSec: Math.max(profile.windowSec, windowSec),
      settleSec: (settledAt - t0) / 1000 - Math.max(profile.windowSec, windowSec),
      totalSec: (Date.now() - started) / 1000,
    },
    ...(error !== undefined ? { error } : {}),
    ...(diagnosis !== undefined ? { diagnosis } : {}),
  };
}
