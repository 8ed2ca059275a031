import { spawn, type ChildProcess } from "node:child_process";
import type { OutsideProcess } from "./outside.ts";

/** A planned service running as a host process. */
export interface RunningProcess {
  readonly service: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (128+n after signal n) once the process has exited. */
  readonly exited: Promise<number>;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Sends a signal and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number>;
}

const SIGNALS: Record<string, number> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15, SIGUSR2: 12 };

export function startProcess(plan: OutsideProcess, argv: string[] = plan.argv): RunningProcess {
  const [cmd, ...args] = argv;
  if (cmd === undefined) throw new Error(`${plan.service}: empty command`);
  const child = spawn(cmd, args, {
    cwd: plan.cwd,
    env: plan.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
  child.stderr.on("data", (d: Buffer) => (out += d.toString("utf8")));
  const exited = new Promise<number>((resolve) => {
    child.once("error", (err) => {
      out += `spawn failed: ${err.message}\n`;
      resolve(127);
    });
    child.once("exit", (code, sig) => resolve(code ?? 128 + (SIGNALS[sig ?? ""] ?? 0)));
  });
  return {
    service: plan.service,
    child,
    exited,
    output: () => out,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs a service's health check command once: true when it exits 0 within `timeoutMs`. */
export async function healthy(plan: OutsideProcess, timeoutMs = 5_000): Promise<boolean> {
  if (plan.healthcheck === undefined) throw new Error(`${plan.service} has no health check`);
  const p = startProcess(plan, plan.healthcheck);
  const timer = setTimeout(() => p.child.kill("SIGKILL"), timeoutMs);
  try {
    return (await p.exited) === 0;
  } finally {
    clearTimeout(timer);
  }
}
