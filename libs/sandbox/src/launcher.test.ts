import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processesMatching } from "@nightshift/testkit";
import { startLauncher, type Launcher } from "./launcher.ts";
import { terminate } from "./kill-tree.ts";
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

let launcher: Launcher;
beforeAll(async () => {
  launcher = await startLauncher();
});
afterAll(async () => {
  await launcher.close();
});
const env = { PATH: process.env["PATH"] ?? "/usr/bin:/bin" };

function collect(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve) => {
    let s = "";
    stream.on("data", (d: Buffer) => (s += d.toString()));
    stream.on("end", () => resolve(s));
  });
}

describe("spawn launcher", () => {
  it("runs a process with stdin, relays its output and exit code", async () => {
    const p = launcher.spawn({
      argv: ["sh", "-c", "cat; echo err >&2; exit 4"],
      cwd: "/tmp",
      env,
      stdin: true,
    });
    const out = collect(p.stdout);
    const err = collect(p.stderr);
    p.stdin?.end("hello\n");
    const started = await p.started;
    expect(started.pid).toBeGreaterThan(0);
    expect(started.at).toBeGreaterThan(Date.now() - 10_000);
    expect(await p.exited).toEqual({ code: 4, signal: null });
    expect(await out).toBe("hello\n");
    expect(await err).toBe("err\n");
  });

  it("kills the whole tree, including a process that left the group", async () => {
    const marker = `ns-launch-${Date.now()}`;
    const p = launcher.spawn(
      {
        argv: ["sh", "-c", `setsid sh -c 'sleep 300 # ${marker}' & echo up; sleep 300`],
        cwd: "/tmp",
        env,
      },
      300,
    );
    await new Promise<void>((r) => p.stdout.once("data", () => r()));
    await terminate(p, 300);
    expect(processesMatching(marker)).toEqual([]);
  });

  it("reports a missing program as exit 127 with the reason", async () => {
    const p = launcher.spawn({ argv: ["/nonexistent/agent"], cwd: "/tmp", env });
    const err = collect(p.stderr);
    expect((await p.exited).code).toBe(127);
    expect(await err).toMatch(/ENOENT/);
  });

  it("kills every agent when its executor dies", async () => {
    const marker = `ns-orphan-${Date.now()}`;
    // a throwaway "executor" that starts an agent through its own launcher, then is killed -9
    const script = fileURLToPath(new URL("./launcher-orphan.fixture.mjs", import.meta.url));
    const exec = fork(script, [marker], { stdio: ["ignore", "pipe", "inherit", "ipc"] });
    await new Promise<void>((r) => exec.on("message", () => r()));
    expect(processesMatching(marker).length).toBeGreaterThan(0);
    exec.kill("SIGKILL");
    const deadline = Date.now() + 5_000;
    while (processesMatching(marker).length > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(processesMatching(marker)).toEqual([]);
  });
});
