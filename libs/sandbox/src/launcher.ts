import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { PassThrough, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { PROCESS_TAG, reapLeftovers, signalTree } from "./process-group.ts";
import type { SandboxProcess, SpawnSpec } from "./types.ts";

const SCRIPT = fileURLToPath(new URL("../launcher/launcher.pl", import.meta.url));

interface Pending {
  open: number;
  exited: boolean;
  stdout: PassThrough;
  stderr: PassThrough;
  spawned: (pid: number, at: number) => void;
  exit: (code: number | null, signal: NodeJS.Signals | null) => void;
}

/** Starts agent processes from a small helper process; see launcher/launcher.pl. */
export interface Launcher {
  spawn(spec: SpawnSpec, leftoverGraceMs?: number): SandboxProcess;
  close(): Promise<void>;
}

export interface LauncherOptions {
  /** The Perl interpreter (default: `perl` on PATH). */
  perl?: string;
}

/** One frame: a 32-bit big-endian length, then NUL-separated fields (launcher.pl). */
function frame(fields: readonly (string | number)[], data?: Buffer): Buffer {
  const text = Buffer.from(fields.join("\0") + (data !== undefined ? "\0" : ""));
  const head = Buffer.alloc(4);
  head.writeUInt32BE(text.length + (data?.length ?? 0));
  return data !== undefined ? Buffer.concat([head, text, data]) : Buffer.concat([head, text]);
}

/** Splits off the first `n` NUL-separated fields; the rest (data) is returned whole. */
function fields(payload: Buffer, n: number): { head: string[]; rest: Buffer } {
  const head: string[] = [];
  let at = 0;
  while (head.length < n) {
    const nul = payload.indexOf(0, at);
    const end = nul < 0 ? payload.length : nul;
    head.push(payload.toString("utf8", at, end));
    at = nul < 0 ? payload.length : nul + 1;
  }
  return { head, rest: payload.subarray(at) };
}

/**
 * Starts the launcher (Perl, from perl-base) and resolves once it is ready; rejects when
 * there is no Perl to run it.
 */
export async function startLauncher(opts: LauncherOptions = {}): Promise<Launcher> {
  // An empty environment: the executor's secrets stay out of it, and PERL5OPT or PERL5LIB
  // cannot load code into it.
  const child: ChildProcess = spawn(opts.perl ?? "perl", [SCRIPT], {
    stdio: ["pipe", "pipe", "inherit"],
    env: {},
  });
  const input = child.stdin!;
  const output = child.stdout!;
  // A launcher that is gone fails its next write: its exit handler has already said why.
  input.on("error", () => undefined);
  const pending = new Map<string, Pending>();
  let failure: Error | undefined;
  let onReady: (() => void) | undefined;
  let buffered: Buffer = Buffer.alloc(0);

  const receive = (payload: Buffer): void => {
    const op = String.fromCharCode(payload[0] ?? 0);
    if (op === "R") return onReady?.();
    const { head, rest } = fields(payload, op === "O" ? 3 : 4);
    const p = pending.get(head[1] ?? "");
    if (!p) return;
    switch (op) {
      case "P": {
        // When the launcher saw exec succeed (its clock, the same as ours), unless it could
        // not tell or the figure makes no sense: then now.
        const now = performance.timeOrigin + performance.now();
        const seen = Number(head[3] || Number.NaN);
        p.spawned(Number(head[2]), Math.abs(seen - now) < 1_000 ? seen : now);
        break;
      }
      case "O":
        (head[2] === "1" ? p.stdout : p.stderr).write(Buffer.from(rest));
        break;
      case "C":
        (head[2] === "1" ? p.stdout : p.stderr).end();
        p.open--;
        if (p.open === 0 && p.exited) pending.delete(head[1] ?? "");
        break;
      case "X":
        p.stderr.write(`${head[2] ?? "could not start"}\n`);
        p.spawned(-1, performance.timeOrigin + performance.now());
        p.stdout.end();
        p.stderr.end();
        pending.delete(head[1] ?? "");
        p.exit(127, null);
        break;
      case "Z":
        // Output may still follow (a process that left the group holds the pipe): the
        // streams end on their own `C`.
        p.exited = true;
        if (p.open === 0) pending.delete(head[1] ?? "");
        p.exit(
          head[2] === "" ? null : Number(head[2]),
          head[3] === "" ? null : (head[3] as NodeJS.Signals),
        );
        break;
    }
  };
  output.on("data", (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    while (buffered.length >= 4) {
      const len = buffered.readUInt32BE(0);
      if (buffered.length < 4 + len) break;
      const payload = buffered.subarray(4, 4 + len);
      buffered = buffered.subarray(4 + len);
      receive(payload);
    }
  });

  await new Promise<void>((resolve, reject) => {
    onReady = resolve;
    child.once("error", (err) =>
      reject(new Error(`cannot start the spawn launcher (perl): ${err.message}`, { cause: err })),
    );
    child.once("exit", (code, signal) =>
      reject(new Error(`spawn launcher exited with ${signal ?? `code ${code}`} during start-up`)),
    );
  });
  onReady = undefined;
  child.removeAllListeners("exit");
  child.removeAllListeners("error");
  child.once("exit", (code, signal) => {
    failure = new Error(`spawn launcher exited (${signal ?? `code ${code}`})`);
    for (const p of pending.values()) {
      p.stdout.end();
      p.stderr.end();
      p.exit(null, "SIGKILL");
    }
    pending.clear();
  });

  return {
    spawn(spec, leftoverGraceMs = 2_000) {
      if (failure) throw failure;
      const [cmd] = spec.argv;
      if (cmd === undefined) throw new Error("empty argv");
      const id = randomUUID();
      const tag = randomUUID();
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let pid = -1;
      let onSpawned!: (pid: number, at: number) => void;
      const started = new Promise<{ pid: number; at: number }>((resolve) => {
        onSpawned = (p, at) => {
          pid = p;
          resolve({ pid: p, at });
        };
      });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
        (resolve) => {
          pending.set(id, {
            open: 2,
            exited: false,
            stdout,
            stderr,
            spawned: onSpawned,
            exit: (code, signal) => {
              void started
                .then(() => reapLeftovers(pid, tag, leftoverGraceMs))
                .then(() => resolve({ code, signal }));
            },
          });
        },
      );
      const stdin =
        spec.stdin === true
          ? new Writable({
              write(chunk: Buffer, _enc, cb) {
                input.write(frame(["I", id], chunk), () => cb());
              },
              final(cb) {
                input.write(frame(["E", id]), () => cb());
              },
            })
          : null;
      const env = Object.entries({ ...spec.env, [PROCESS_TAG]: tag }).map(([k, v]) => `${k}=${v}`);
      for (const s of [spec.cwd, ...spec.argv, ...env])
        if (s.includes("\0"))
          throw new Error(`a NUL byte in the command line or environment: ${s}`);
      input.write(
        frame([
          "S",
          id,
          spec.stdin === true ? "1" : "0",
          spec.uid ?? "",
          spec.gid ?? "",
          spec.cwd,
          spec.argv.length,
          ...spec.argv,
          ...env,
        ]),
      );
      return {
        get pid() {
          return pid;
        },
        started,
        stdout,
        stderr,
        stdin,
        exited,
        killGroup(signal) {
          void started.then(({ pid: p }) => signalTree(p, tag, signal));
        },
      };
    },
    close() {
      return new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        input.end();
      });
    },
  };
}
