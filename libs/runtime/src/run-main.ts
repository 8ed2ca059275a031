import { constants } from "node:os";
import type { Logger } from "pino";
import { coerceError } from "@nightshift/errors";
import { Lifecycle } from "./lifecycle.ts";
import { Releasers } from "./releasers.ts";

export interface MainContext {
  /** Aborted by the first SIGINT/SIGTERM: stop taking work and drain. */
  stop: AbortSignal;
  /** Aborted by a second signal or when the grace time ran out: give up in-flight work now. */
  force: AbortSignal;
  releasers: Releasers;
  lifecycle: Lifecycle;
}

export interface RunMainOptions {
  /** After the first signal, how long draining may take before `force` is aborted. */
  /** Read when the first signal arrives, so it can come from configuration loaded by `main`. */
  graceMs: number | (() => number);
  /** Logger for shutdown reports; created by `main` itself, so it may arrive late. */
  log: () => Logger | undefined;
  /** The process to listen on; injectable for tests. */
  proc?: Pick<NodeJS.Process, "on" | "off">;
  signals?: NodeJS.Signals[];
}

/**
 * Runs a service's main function with two-phase signal handling and LIFO releasers.
 * Resolves the exit code: 128+signo after a signal, 1 after a crash, 0 otherwise.
 */
export async function runMain(
  main: (ctx: MainContext) => Promise<void>,
  opts: RunMainOptions,
): Promise<number> {
  const proc = opts.proc ?? process;
  const grace = (): number => (typeof opts.graceMs === "function" ? opts.graceMs() : opts.graceMs);
  const stop = new AbortController();
  const force = new AbortController();
  const releasers = new Releasers();
  const lifecycle = new Lifecycle();
  let received: NodeJS.Signals | undefined;
  let graceTimer: NodeJS.Timeout | undefined;

  const onSignal = (sig: NodeJS.Signals): void => {
    if (received === undefined) {
      received = sig;
      opts
        .log()
        ?.info(
          { signal: sig, graceMs: grace() },
          "shutting down: draining (signal again to force)",
        );
      lifecycle.set("draining");
      stop.abort();
      graceTimer = setTimeout(() => {
        opts.log()?.warn({ graceMs: grace() }, "grace time over: forcing shutdown");
        force.abort();
      }, grace());
      graceTimer.unref();
    } else {
      opts.log()?.warn({ signal: sig }, "second signal: forcing shutdown");
      force.abort();
    }
  };
  const signals = opts.signals ?? ["SIGINT", "SIGTERM"];
  for (const s of signals) proc.on(s, onSignal);

  let code = 0;
  try {
    await main({ stop: stop.signal, force: force.signal, releasers, lifecycle });
    lifecycle.set("stopped");
  } catch (err) {
    code = 1;
    lifecycle.set("failed");
    const e = coerceError(err);
    const log = opts.log();
    if (log) log.fatal({ err: e }, e.message);
    else process.stderr.write(`${e.message}\n`);
  } finally {
    await releasers.releaseAll((name, err) =>
      opts.log()?.error({ err, releaser: name }, "cleanup failed"),
    );
    if (graceTimer) clearTimeout(graceTimer);
    for (const s of signals) proc.off(s, onSignal);
  }
  if (received !== undefined) {
    const signo = (constants.signals as Record<string, number>)[received] ?? 15;
    return code === 1 ? 1 : 128 + signo;
  }
  return code;
}
