import { fork, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { PassThrough, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { PROCESS_TAG, reapLeftovers, signalTree } from "./process-group.ts";
import type { SandboxProcess, SpawnSpec } from "./types.ts";

const SCRIPT = fileURLToPath(new URL("../launcher/launcher.mjs", import.meta.url));

type FromLauncher =
  | { op: "ready" }
  | { op: "spawned"; id: string; pid: number; at: number }
  | { op: "error"; id: string; message: string }
  | { op: "out"; id: string; fd: 1 | 2; data: Uint8Array }
  | { op: "eof"; id: string; fd: 1 | 2 }
  | { op: "exit"; id: string; code: number | null; signal: NodeJS.Signals | null };

interface Pending {
  open: number;
  exited: boolean;
  stdout: PassThrough;
  stderr: PassThrough;
  spawned: (pid: number, at: number) => void;
  exit: (code: number | null, signal: NodeJS.Signals | null) => void;
}

/** Starts agent processes from a small helper process; see launcher/launcher.mjs. */
export interface Launcher {
  spawn(spec: SpawnSpec, leftoverGraceMs?: number): SandboxProcess;
  close(): Promise<void>;
}

/** Forks the launcher and resolves once it is ready. */
export async function startLauncher(): Promise<Launcher> {
  const child: ChildProcess = fork(SCRIPT, [], {
    serialization: "advanced",
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    execArgv: [],
  });
  const pending = new Map<string, Pending>();
  let failure: Error | undefined;
  await new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) =>
      reject(new Error(`spawn launcher exited with ${code} during start-up`)),
    );
    child.on("message", (m: FromLauncher) => {
      if (m.op === "ready") resolve();
    });
  });
  child.removeAllListeners("exit");
  child.once("exit", (code, signal) => {
    failure = new Error(`spawn launcher exited (${signal ?? `code ${code}`})`);
    for (const p of pending.values()) {
      p.stdout.end();
      p.stderr.end();
      p.exit(null, "SIGKILL");
    }
    pending.clear();
  });
  child.on("message", (m: FromLauncher) => {
    if (m.op === "ready") return;
    const p = pending.get(m.id);
    if (!p) return;
    switch (m.op) {
      case "spawned":
        p.spawned(m.pid, m.at);
        break;
      case "out":
        (m.fd === 1 ? p.stdout : p.stderr).write(Buffer.from(m.data));
        break;
      case "eof":
        (m.fd === 1 ? p.stdout : p.stderr).end();
        p.open--;
        if (p.open === 0 && p.exited) pending.delete(m.id);
        break;
      case "error":
        p.stderr.write(`${m.message}\n`);
        p.spawned(-1, Date.now());
        p.stdout.end();
        p.stderr.end();
        pending.delete(m.id);
        p.exit(127, null);
        break;
      case "exit":
        // Output may still follow (a process that left the group holds the pipe): the
        // streams end on their own `eof`.
        p.exited = true;
        if (p.open === 0) pending.delete(m.id);
        p.exit(m.code, m.signal);
        break;
    }
  });

  return {
    spawn(spec, leftoverGraceMs = 2_000) {
      if (failure) throw failure;
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
              child.send({ op: "forget", id });
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
                child.send({ op: "stdin", id, data: chunk }, () => cb());
              },
              final(cb) {
                child.send({ op: "stdin-end", id }, () => cb());
              },
            })
          : null;
      child.send({
        op: "spawn",
        id,
        argv: spec.argv,
        cwd: spec.cwd,
        env: { ...spec.env, [PROCESS_TAG]: tag },
        stdin: spec.stdin === true,
        uid: spec.uid,
        gid: spec.gid,
      });
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
        child.disconnect();
      });
    },
  };
}
