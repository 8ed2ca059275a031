import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processesMatching } from "@nightshift/testkit";
import { startLauncher, type Launcher } from "./launcher.ts";
import { terminate } from "./kill-tree.ts";
import { fork, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

  it("runs the agent in its folder with exactly the environment it was given", async () => {
    process.env["NS_LAUNCHER_TEST_SECRET"] = "executor-only";
    const dir = realpathSync(mkdtempSync(join(tmpdir(), "ns-launch-")));
    const p = launcher.spawn({ argv: ["env"], cwd: dir, env: { ...env, ONLY: "this" } });
    const out = collect(p.stdout);
    expect(await p.exited).toEqual({ code: 0, signal: null });
    const names = (await out)
      .trim()
      .split("\n")
      .map((l) => l.split("=")[0])
      .sort();
    expect(names).toEqual(["NIGHTSHIFT_PROCESS_TAG", "ONLY", "PATH"]);
    const pwd = launcher.spawn({ argv: ["pwd"], cwd: dir, env });
    expect((await collect(pwd.stdout)).trim()).toBe(dir);
    delete process.env["NS_LAUNCHER_TEST_SECRET"];
  });

  it("relays a megabyte through stdin and stdout without losing a byte", async () => {
    const data = randomBytes(1 << 20);
    const p = launcher.spawn({ argv: ["cat"], cwd: "/tmp", env, stdin: true });
    const chunks: Buffer[] = [];
    p.stdout.on("data", (d: Buffer) => chunks.push(d));
    const ended = new Promise((r) => p.stdout.once("end", r));
    p.stdin?.end(data);
    expect(await p.exited).toEqual({ code: 0, signal: null });
    await ended;
    const out = Buffer.concat(chunks);
    expect(out.length).toBe(data.length);
    expect(createHash("sha256").update(out).digest("hex")).toBe(
      createHash("sha256").update(data).digest("hex"),
    );
  });

  it("its child forked ahead of time holds no other agent's pipes", async () => {
    const a = launcher.spawn({ argv: ["cat"], cwd: "/tmp", env, stdin: true });
    const out = collect(a.stdout);
    await a.started;
    // the launcher idles now and forks its next spare while cat's stdin is open
    await new Promise((r) => setTimeout(r, 100));
    a.stdin?.end("x");
    const hung = new Promise((r) => setTimeout(() => r("stdin never closed"), 2_000));
    expect(await Promise.race([a.exited, hung])).toEqual({ code: 0, signal: null });
    expect(await out).toBe("x");
    // and the spare then runs the next agent
    const b = launcher.spawn({ argv: ["sh", "-c", "echo $$"], cwd: "/tmp", env });
    const pid = collect(b.stdout);
    expect((await b.started).pid).toBe(Number((await pid).trim()));
  });

  it("reports the signal that ended a process", async () => {
    const p = launcher.spawn({ argv: ["sh", "-c", "kill -TERM $$"], cwd: "/tmp", env });
    expect(await p.exited).toEqual({ code: null, signal: "SIGTERM" });
  });

  it("says when it saw exec succeed, by the realtime clock", async () => {
    // The protocol itself: P id pid ms (the executor takes ms as the agent's start).
    const script = fileURLToPath(new URL("../launcher/launcher.pl", import.meta.url));
    const raw = spawn("perl", [script], { stdio: ["pipe", "pipe", "inherit"], env: {} });
    const frames: string[][] = [];
    let buf = Buffer.alloc(0);
    const got = new Promise<void>((resolve) => {
      raw.stdout.on("data", (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
          frames.push(
            buf
              .subarray(4, 4 + buf.readUInt32BE(0))
              .toString()
              .split("\0"),
          );
          buf = buf.subarray(4 + buf.readUInt32BE(0));
          if (frames.some((f) => f[0] === "P")) resolve();
        }
      });
    });
    const before = Date.now();
    const payload = Buffer.from(
      ["S", "x1", "0", "", "", "/tmp", "1", "/bin/true", "A=1"].join("\0"),
    );
    const head = Buffer.alloc(4);
    head.writeUInt32BE(payload.length);
    raw.stdin.write(Buffer.concat([head, payload]));
    await got;
    const after = Date.now();
    raw.stdin.end();
    const p = frames.find((f) => f[0] === "P") ?? [];
    expect(p.slice(0, 2)).toEqual(["P", "x1"]);
    expect(p[3]).toMatch(/^\d+\.\d{3}$/);
    expect(Number(p[3])).toBeGreaterThanOrEqual(before - 1);
    expect(Number(p[3])).toBeLessThanOrEqual(after + 1);
  });

  it("reports a folder it cannot enter as exit 127 with the reason", async () => {
    const p = launcher.spawn({ argv: ["true"], cwd: "/nonexistent/folder", env });
    const err = collect(p.stderr);
    expect((await p.exited).code).toBe(127);
    expect(await err).toMatch(/cannot enter \/nonexistent\/folder/);
  });

  it("fails to start with a clear error when there is no Perl to run it", async () => {
    await expect(startLauncher({ perl: "/nonexistent/perl" })).rejects.toThrow(
      /cannot start the spawn launcher \(perl\): .*ENOENT/,
    );
  });

  it("refuses a NUL byte in the command line", () => {
    expect(() => launcher.spawn({ argv: ["echo", "a\0b"], cwd: "/tmp", env })).toThrow(/NUL/);
  });

  it.runIf(process.getuid?.() === 0)(
    "starts the agent as the uid and gid it is given, with no other groups",
    async () => {
      const p = launcher.spawn({
        argv: ["sh", "-c", "id -u; id -g; id -G"],
        cwd: "/tmp",
        env,
        uid: 65534,
        gid: 65533,
      });
      const out = collect(p.stdout);
      expect(await p.exited).toEqual({ code: 0, signal: null });
      expect((await out).trim().split("\n")).toEqual(["65534", "65533", "65533"]);
    },
  );

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
