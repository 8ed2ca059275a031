import { spawn, type ChildProcess } from "node:child_process";

export interface Worker {
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a node script and resolves once a line of its output matches `ready`. */
export function startWorker(
  args: string[],
  env: Record<string, string | undefined>,
  ready: RegExp,
  /** Receives the output up to the ready line. */
  onReady?: (output: string) => void,
): Promise<Worker> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (ready.test(out)) {
        onReady?.(out);
        child.stdout.off("data", onData);
        child.stderr.off("data", onData);
        // keep draining, or a full pipe blocks the worker's logging
        child.stdout.resume();
        child.stderr.resume();
        resolve({
          child,
          stop: () =>
            new Promise<void>((res) => {
              if (child.exitCode !== null) return res();
              child.once("exit", () => res());
              child.kill("SIGTERM");
            }),
        });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) =>
      reject(new Error(`${args.join(" ")} exited with ${code} before it was ready:\n${out}`)),
    );
  });
}
