import { spawn, type ChildProcess } from "node:child_process";
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { freePort } from "@nightshift/natsd";

export interface RunningRedis {
  port: number;
  version: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts Debian's redis-server on a free loopback port with its files in `dir`, configured
 * as BullMQ's documentation recommends for production: AOF with fsync every second, no
 * eviction.
 */
export async function startRedis(dir: string): Promise<RunningRedis> {
  const port = await freePort();
  mkdirSync(dir, { recursive: true });
  const version =
    /v=(\S+)/.exec(execFileSync("redis-server", ["--version"]).toString())?.[1] ?? "?";
  const child: ChildProcess = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--save",
      "",
      "--appendonly",
      "yes",
      "--appendfsync",
      "everysec",
      "--maxmemory-policy",
      "noeviction",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = "";
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (out.includes("Ready to accept connections")) resolve();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`redis-server exited with ${code}:\n${out}`)));
  });
  child.stdout?.resume();
  child.stderr?.resume();
  return {
    port,
    version,
    pid: child.pid ?? 0,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
