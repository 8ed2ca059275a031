import { terminate } from "@nightshift/sandbox";
import { drainAfterExit, forEachLine } from "./lines.ts";
import type { AgentRunInput } from "./types.ts";

export interface CliSpec {
  argv: readonly string[];
  env: Readonly<Record<string, string>>;
  /** Host paths the program needs to see (its installation). */
  readOnly?: readonly string[];
  /** Written to stdin, then closed; without it stdin is /dev/null. */
  stdin?: string;
  onStdout: (line: string) => void;
  /** Default: each line becomes an `output` event. */
  onStderr?: (line: string) => void;
  /**
   * The signal that asks the CLI to stop (default SIGTERM); SIGTERM and SIGKILL follow
   * after the grace each. Codex stops cleanly on SIGINT and writes its session log first.
   */
  stopSignal?: NodeJS.Signals;
}

export interface CliRun {
  /** Stops the program (SIGTERM, then SIGKILL after the grace); `reason` becomes `aborted`. */
  stop(reason: string): void;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; aborted?: string }>;
}

/**
 * Runs an agent CLI in the sandbox, feeding its output lines to the backend and stopping
 * it when the run is aborted from outside or by the backend itself.
 */
export function runCli(input: AgentRunInput, spec: CliSpec): CliRun {
  const proc = input.sandbox.spawn({
    argv: spec.argv,
    cwd: input.workspace,
    env: spec.env,
    stdin: spec.stdin !== undefined,
    ...(spec.readOnly ? { readOnly: spec.readOnly } : {}),
  });
  void proc.started.then(({ pid, at }) => {
    if (pid > 0) input.onSpawn?.(pid, at);
  });
  if (proc.stdin) {
    proc.stdin.on("error", () => undefined);
    proc.stdin.end(spec.stdin);
  }
  let aborted: string | undefined;
  const stop = (reason: string): void => {
    if (aborted !== undefined) return;
    aborted = reason;
    if (spec.stopSignal === undefined || spec.stopSignal === "SIGTERM") {
      void terminate(proc, input.killGraceMs);
      return;
    }
    proc.killGroup(spec.stopSignal);
    const later = setTimeout(() => void terminate(proc, input.killGraceMs), input.killGraceMs);
    void proc.exited.then(() => clearTimeout(later));
  };
  const onAbort = (): void => stop(String(input.signal.reason ?? "aborted"));
  if (input.signal.aborted) onAbort();
  else input.signal.addEventListener("abort", onAbort, { once: true });
  const onErr =
    spec.onStderr ?? ((line: string) => input.emit({ type: "output", stream: "stderr", line }));
  const out = forEachLine(proc.stdout, (line) => {
    try {
      spec.onStdout(line);
    } catch (err) {
      input.emit({
        type: "error",
        message: `unreadable agent output: ${String(err)}`,
        code: "agent-output",
      });
    }
  });
  const err = forEachLine(proc.stderr, onErr);
  const done = (async () => {
    const exit = await proc.exited;
    input.signal.removeEventListener("abort", onAbort);
    await drainAfterExit([proc.stdout, proc.stderr], [out, err]);
    return { ...exit, ...(aborted !== undefined ? { aborted } : {}) };
  })();
  return { stop, done };
}
