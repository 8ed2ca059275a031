import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync, statSync } from "node:fs";

export interface ServiceProcessOptions {
  /** Label in the report (`executor-2`). */
  name: string;
  /** `node <argv…>`. */
  argv: string[];
  env: Record<string, string | undefined>;
  /** stdout and stderr are appended here (the service logs JSON lines). */
  logFile: string;
  /** A log line matching this means the service is up. */
  ready: RegExp;
  readyTimeoutMs: number;
  /** How long after an exit nobody asked for the process is started again (as Kubernetes would). */
  restartDelayMs: number;
  onEvent?: (line: string) => void;
}

/** A process exit: asked for (a fault or the end of the run) or not (a crash of the service). */
export interface ExitRecord {
  at: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  expected: boolean;
}

/** A nightshift service in its own process, which the fault suite can kill, pause and restart. */
export interface ServiceProcess {
  readonly name: string;
  pid(): number | undefined;
  running(): boolean;
  paused(): boolean;
  /** Starts the process and waits until it logs that it is ready. */
  start(): Promise<void>;
  /** SIGKILL, and waits for the exit. */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT of the service process itself (its agents keep running). */
  pause(): void;
  resume(): void;
  /** SIGTERM (drain), SIGKILL after `graceMs`; no restart follows. */
  stop(graceMs: number): Promise<void>;
  /** Sends a signal without waiting or bookkeeping (the harness is going down). */
  signal(sig: NodeJS.Signals): void;
  readonly exits: ExitRecord[];
  /** The whole log so far. */
  log(): string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function serviceProcess(o: ServiceProcessOptions): ServiceProcess {
  let child: ChildProcess | undefined;
  let exit: Promise<void> = Promise.resolve();
  let expectExit = false;
  let stopped = false;
  let isPaused = false;
  const exits: ExitRecord[] = [];

  const launch = async (): Promise<void> => {
    const fd = openSync(o.logFile, "a");
    const from = statSync(o.logFile).size;
    const proc = spawn(process.execPath, o.argv, {
      env: o.env,
      stdio: ["ignore", fd, fd],
    });
    closeSync(fd);
    child = proc;
    expectExit = false;
    isPaused = false;
    exit = new Promise((resolve) =>
      proc.once("exit", (code, signal) => {
        exits.push({ at: Date.now(), code, signal, expected: expectExit });
        if (!expectExit && !stopped) {
          o.onEvent?.(`${o.name} exited unexpectedly (${signal ?? `code ${code}`}); restarting`);
          void sleep(o.restartDelayMs).then(() =>
            stopped ? undefined : launch().catch(() => undefined),
          );
        }
        resolve();
      }),
    );
    const deadline = Date.now() + o.readyTimeoutMs;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const text = readFileSync(o.logFile, "utf8").slice(from);
      if (o.ready.test(text)) return;
      await sleep(100);
    }
    o.onEvent?.(`${o.name} not ready within ${o.readyTimeoutMs} ms`);
  };

  const running = (): boolean =>
    child !== undefined && child.exitCode === null && child.signalCode === null;

  return {
    name: o.name,
    pid: () => child?.pid,
    running,
    paused: () => isPaused,
    start: launch,
    async kill() {
      if (!running()) return;
      expectExit = true;
      child?.kill("SIGKILL");
      await exit;
    },
    pause() {
      if (!running()) return;
      isPaused = true;
      child?.kill("SIGSTOP");
    },
    resume() {
      if (!isPaused) return;
      isPaused = false;
      child?.kill("SIGCONT");
    },
    async stop(graceMs) {
      stopped = true;
      if (!running()) return;
      expectExit = true;
      child?.kill("SIGCONT");
      child?.kill("SIGTERM");
      const timer = setTimeout(() => child?.kill("SIGKILL"), graceMs);
      await exit;
      clearTimeout(timer);
    },
    signal(sig) {
      stopped = true;
      expectExit = true;
      if (running()) child?.kill(sig);
    },
    exits,
    log: () => readFileSync(o.logFile, "utf8"),
  };
}
