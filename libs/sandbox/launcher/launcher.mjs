// The spawn launcher: a small Node process that starts agent processes for the executor.
// fork() cost grows with the parent's memory and blocks its event loop; this process stays
// small, so spawning is cheap and the executor keeps serving NATS meanwhile. When the
// executor goes away (even by kill -9), the IPC channel closes and every process group
// started here is killed: no agent outlives its executor.
// Plain JavaScript on purpose: it runs as is, from the sources and from the build.
import { spawn } from "node:child_process";

const children = new Map();

function send(message) {
  if (process.connected) process.send(message);
}

function killAll(signal) {
  for (const child of children.values()) {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // gone
    }
  }
}

function start(m) {
  let child;
  try {
    child = spawn(m.argv[0], m.argv.slice(1), {
      cwd: m.cwd,
      env: m.env,
      detached: true,
      stdio: [m.stdin ? "pipe" : "ignore", "pipe", "pipe"],
      ...(m.uid !== undefined ? { uid: m.uid } : {}),
      ...(m.gid !== undefined ? { gid: m.gid } : {}),
    });
  } catch (err) {
    send({ op: "error", id: m.id, message: String(err?.message ?? err) });
    return;
  }
  child.once("spawn", () => {
    children.set(m.id, child);
    send({
      op: "spawned",
      id: m.id,
      pid: child.pid,
      at: performance.timeOrigin + performance.now(),
    });
  });
  child.once("error", (err) => {
    children.delete(m.id);
    send({ op: "error", id: m.id, message: err.message });
  });
  for (const [fd, stream] of [
    [1, child.stdout],
    [2, child.stderr],
  ]) {
    stream.on("data", (data) => send({ op: "out", id: m.id, fd, data }));
    stream.once("close", () => send({ op: "eof", id: m.id, fd }));
  }
  child.once("exit", (code, signal) => {
    children.delete(m.id);
    send({ op: "exit", id: m.id, code, signal });
  });
  if (child.stdin) child.stdin.on("error", () => undefined);
  starts.set(m.id, child);
}

const starts = new Map();

process.on("message", (m) => {
  if (m.op === "spawn") start(m);
  else if (m.op === "stdin") starts.get(m.id)?.stdin?.write(m.data);
  else if (m.op === "stdin-end") starts.get(m.id)?.stdin?.end();
  else if (m.op === "forget") starts.delete(m.id);
});

process.on("disconnect", () => {
  killAll("SIGKILL");
  process.exit(0);
});
for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => undefined);
send({ op: "ready" });
