import { appendFileSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseConfig } from "@nightshift/config";
import { connectNats, openBus, provision, type Bus } from "@nightshift/messaging";
import { findNatsServer, startNatsCluster, type NatsCluster } from "@nightshift/natsd";
import { GH_REPO, startGitHub, type GitHubWorld } from "./github.ts";
import type { Profile } from "./profile.ts";
import { startExecutionLog } from "./execution-log.ts";
import { makeOrigin } from "./repos.ts";
import { serviceProcess, type ServiceProcess } from "./service-process.ts";
import { AGENT_BACKEND } from "./workload.ts";

const CLI = fileURLToPath(new URL("../../cli/dist/main.js", import.meta.url));
const AGENT = fileURLToPath(new URL("../agent/agent.sh", import.meta.url));
const AGENT_DIR = fileURLToPath(new URL("../agent", import.meta.url));

/** Timings of the suite's services: short, so faults play out in seconds. */
export const NATS_TIMINGS = { ackWait: 4_000, heartbeat: 1_000, leaseTtl: 3_000 } as const;

export interface Topology {
  dir: string;
  natsVersion: string;
  cluster: NatsCluster;
  /** The harness's own connection (it is a producer like any other). */
  bus: Bus;
  /** Origins the client submits to, and the one the scheduler's tasks go to. */
  repos: string[];
  scheduleRepo: string;
  executors: ServiceProcess[];
  scheduler: ServiceProcess;
  /** The fake GitHub and the poller watching it (when the profile opens issues). */
  github: GitHubWorld | undefined;
  poller: ServiceProcess | undefined;
  /** The agent's execution log. */
  agentLog: string;
  close(): Promise<void>;
  /** SIGKILLs every process at once (the harness is dying): nothing may outlive the run. */
  killNow(): void;
}

function serviceConfig(
  profile: Profile,
  dir: string,
  logPort: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    nats: {
      replicas: 3,
      ackWait: `${NATS_TIMINGS.ackWait}ms`,
      heartbeat: `${NATS_TIMINGS.heartbeat}ms`,
      leaseTtl: `${NATS_TIMINGS.leaseTtl}ms`,
    },
    http: { port: 0 },
    log: { level: "info", format: "json" },
    executor: {
      slots: profile.slots,
      workspaces: join(dir, "workspaces"),
      busyDelay: "250ms",
      retryDelay: "500ms",
      // Faults cost attempts (a killed executor's attempt counts); the suite wants every
      // task to finish, so attempts must outlast the faults one task can run into.
      maxAttempts: 25,
      killGrace: "500ms",
      timeout: "60s",
      drainTimeout: "5s",
    },
    backends: {
      [AGENT_BACKEND]: {
        type: "command",
        argv: ["bash", AGENT, "{taskId}", "{prompt}"],
        env: { FAULTS_LOG_PORT: String(logPort) },
      },
    },
    // The default sandbox (bubblewrap where it works); the agent's script is outside /usr.
    sandbox: { readOnly: [AGENT_DIR] },
    ...extra,
  };
}

/**
 * Starts the suite's world on loopback: a 3-node NATS cluster (R3, `sync_interval:
 * always`), origin repositories that log every push, executor processes and a scheduler
 * firing every two seconds, each a `nightshift service` process of its own.
 */
export async function startTopology(
  profile: Profile,
  dir: string,
  onEvent: (line: string) => void,
  onCluster: (cluster: NatsCluster) => void,
): Promise<Topology> {
  const bin = await findNatsServer({ env: process.env });
  const cluster = await startNatsCluster({
    bin: bin.path,
    dir: join(dir, "nats"),
    syncAlways: true,
    onLog: (node, line) => appendFileSync(join(dir, `nats-${node}.log`), `${line}\n`),
  });
  onCluster(cluster);
  const agentLog = join(dir, "agent.log");
  writeFileSync(agentLog, "");
  const executionLog = await startExecutionLog(agentLog);
  const base = serviceConfig(profile, dir, executionLog.port);
  const { config } = parseConfig(base, {});
  const nc = await connectNats({ servers: cluster.url, name: "faults-harness" });
  // A fresh cluster may still be placing its first R3 assets: provisioning is retried.
  for (let i = 0; ; i++) {
    try {
      await provision(nc, config.nats);
      break;
    } catch (err) {
      if (i >= 10) throw err;
      await new Promise((r) => setTimeout(r, 2_000));
    }
  }
  const bus = await openBus(nc);

  const repoDir = join(dir, "repos");
  await mkdir(repoDir, { recursive: true });
  const repos: string[] = [];
  for (let i = 0; i < profile.repos; i++) repos.push(await makeOrigin(repoDir, `repo-${i}`));
  const scheduleRepo = await makeOrigin(repoDir, "scheduled");

  const github = profile.issues > 0 ? await startGitHub() : undefined;
  const githubConfig = github
    ? {
        github: {
          apiUrl: github.gh.url,
          writeSpacing: 0,
          contentSpacing: 0,
          maxRateLimitWait: "2s",
        },
      }
    : {};
  const githubEnv = github ? { GITHUB_TOKEN: github.token } : {};
  const service = (name: string, kind: string, cfg: Record<string, unknown>): ServiceProcess => {
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(cfg, null, 2));
    return serviceProcess({
      name,
      argv: [CLI, "--config", file, "service", kind],
      env: { ...process.env, NATS_URL: cluster.url, LOG_LEVEL: "info", ...githubEnv },
      logFile: join(dir, `${name}.log`),
      ready: /"msg":"ready"/,
      readyTimeoutMs: 60_000,
      restartDelayMs: 1_000,
      onEvent,
    });
  };
  const executors = Array.from({ length: profile.executors }, (_, i) =>
    service(
      `executor-${i + 1}`,
      "executor",
      serviceConfig(profile, join(dir, `executor-${i + 1}`), executionLog.port, githubConfig),
    ),
  );
  const scheduler = service(
    "scheduler",
    "scheduler",
    serviceConfig(profile, join(dir, "scheduler"), executionLog.port, {
      schedules: {
        tick: {
          cron: "*/2 * * * * *",
          missed: "run-once",
          grace: "1m",
          task: { prompt: "0.10", repo: scheduleRepo, backend: AGENT_BACKEND },
        },
      },
    }),
  );
  const poller = github
    ? service(
        "poller",
        "poller",
        serviceConfig(profile, join(dir, "poller"), executionLog.port, {
          ...githubConfig,
          poller: {
            interval: "500ms",
            webhookInterval: "10m",
            cooldown: "1s",
            maxAttempts: 20,
            backend: AGENT_BACKEND,
            github: { repos: [{ repo: GH_REPO }] },
          },
        }),
      )
    : undefined;
  const services = [...executors, scheduler, ...(poller ? [poller] : [])];
  const killNow = (): void => {
    for (const s of services) s.signal("SIGKILL");
    for (const n of cluster.nodes) n.signal("SIGKILL");
  };
  try {
    await Promise.all(services.map((s) => s.start()));
  } catch (err) {
    killNow();
    throw err;
  }

  return {
    dir,
    natsVersion: bin.version,
    cluster,
    bus,
    repos,
    scheduleRepo,
    executors,
    scheduler,
    github,
    poller,
    agentLog,
    async close() {
      await Promise.all(services.map((s) => s.stop(10_000)));
      await nc.close();
      await cluster.stop();
      await github?.stop();
      await executionLog.close();
    },
    killNow,
  };
}
