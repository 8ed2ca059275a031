import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findNatsServer, freePort } from "@nightshift/natsd";
import { waitFor } from "@nightshift/testkit";
import { parseDockerfile, type DockerfileModel } from "../dockerfile/model.ts";
import { REPO_ROOT } from "../paths.ts";
import { variablesOf } from "./interpolate.ts";
import { readComposeFile, resolveCompose } from "./load.ts";
import { ComposeFile } from "./model.ts";
import { planOutside, type OutsideProcess } from "./outside.ts";
import { healthy, startProcess, type RunningProcess } from "./process.ts";

export interface ComposeFixture {
  compose: ComposeFile;
  dockerfile: DockerfileModel;
  /** The `.env` the test made up: a random value for every variable the file requires. */
  env: Record<string, string>;
  plan(service: string, command?: string[]): OutsideProcess;
  start(service: string, command?: string[]): RunningProcess;
  /** The nats service, started as compose says, once healthy. */
  startNats(): Promise<{ url: string; monitor: string; process: RunningProcess }>;
  dispose(): Promise<void>;
}

/** Compiles the CLI and what it references (`tsc -b` is incremental: quick when up to date). */
export function buildCli(): void {
  execFileSync(
    process.execPath,
    [join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc"), "-b", "cli"],
    {
      cwd: REPO_ROOT,
      stdio: "pipe",
    },
  );
}

/** docker-compose.yml and deploy/Dockerfile, ready to run their services as host processes. */
export async function composeFixture(): Promise<ComposeFixture> {
  const raw = readComposeFile(join(REPO_ROOT, "docker-compose.yml"));
  const env: Record<string, string> = {};
  for (const [name, v] of variablesOf(raw))
    if (v.required) env[name] = randomBytes(12).toString("hex");
  const compose = ComposeFile.parse(resolveCompose(raw, env));
  const dockerfile = parseDockerfile(readFileSync(join(REPO_ROOT, "deploy", "Dockerfile"), "utf8"));
  const nats = await findNatsServer({ env: process.env });
  const pool = await Promise.all(Array.from({ length: 24 }, () => freePort()));
  const assigned = new Map<string, number>();
  const hostPort = (service: string, port: number): number => {
    const key = `${service}:${port}`;
    let p = assigned.get(key);
    if (p === undefined) {
      p = pool.shift();
      if (p === undefined) throw new Error("out of test ports");
      assigned.set(key, p);
    }
    return p;
  };
  const root = mkdtempSync(join(tmpdir(), "nightshift-compose-"));
  const running: RunningProcess[] = [];
  const plan = (service: string, command?: string[]): OutsideProcess => {
    const o = planOutside(service, {
      compose: command === undefined ? compose : withCommand(compose, service, command),
      repo: REPO_ROOT,
      root,
      dockerfile,
      hostPort,
      binaries: { nats: nats.path },
      // tini reaps orphans as PID 1 in a container; here it registers as a subreaper instead.
      baseEnv: {
        PATH: process.env["PATH"] ?? "/usr/bin:/bin",
        LANG: "C.UTF-8",
        TINI_SUBREAPER: "1",
      },
      passThrough: env,
    });
    return o;
  };
  const start = (service: string, command?: string[]): RunningProcess => {
    const p = startProcess(plan(service, command));
    running.push(p);
    return p;
  };
  return {
    compose,
    dockerfile,
    env,
    plan,
    start,
    async startNats() {
      // The nats image's entrypoint runs `nats-server <command>`. Its ports exist only inside
      // the container, so they are moved to free host ports by flags; the file is unchanged.
      const p = plan("nats");
      const client = hostPort("nats", 4222);
      const monitor = hostPort("nats", 8222);
      const proc = startProcess(p, [...p.argv, "-p", String(client), "-m", String(monitor)]);
      running.push(proc);
      await waitFor(
        async () => {
          if (proc.child.exitCode !== null) throw new Error(`nats exited: ${proc.output()}`);
          return healthy(p);
        },
        { timeoutMs: 20_000, intervalMs: 200, message: "nats to pass its compose health check" },
      );
      return {
        url: `nats://127.0.0.1:${client}`,
        monitor: `http://127.0.0.1:${monitor}`,
        process: proc,
      };
    },
    async dispose() {
      for (const p of running.reverse()) {
        const killer = setTimeout(() => p.child.kill("SIGKILL"), 20_000);
        await p.stop("SIGTERM");
        clearTimeout(killer);
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function withCommand(compose: ComposeFile, service: string, command: string[]): ComposeFile {
  const svc = compose.services[service];
  if (svc === undefined) throw new Error(`no service ${service}`);
  return { ...compose, services: { ...compose.services, [service]: { ...svc, command } } };
}
