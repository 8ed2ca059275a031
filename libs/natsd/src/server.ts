import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { NightshiftError } from "@nightshift/errors";
import { freePort } from "./free-port.ts";

export interface NatsServerOptions {
  bin: string;
  /** Directory for the JetStream store and the generated config file. */
  dir: string;
  host?: string;
  /** Client port; 0 or undefined picks a free one (kept across restarts). */
  port?: number;
  /** Monitoring port (`/healthz`, `/jsz`); undefined disables monitoring. */
  httpPort?: number;
  /** `sync_interval: always`: fsync every write (production durability). */
  syncAlways?: boolean;
  serverName?: string;
  cluster?: { name: string; port: number; routes: string[] };
  /** Extra lines appended to the generated config (authorization, accounts …). */
  extraConfig?: string;
  /** Receives the server's log lines. */
  onLog?: (line: string) => void;
  /** How long to wait for the server to report ready. */
  readyTimeoutMs?: number;
}

export interface RunningNatsServer {
  readonly url: string;
  readonly port: number;
  readonly configFile: string;
  pid(): number | undefined;
  /** SIGTERM and wait for exit (the store is flushed). */
  stop(): Promise<void>;
  /** Sends a signal without waiting (`SIGKILL`, `SIGSTOP`, `SIGCONT` …). */
  signal(sig: NodeJS.Signals): void;
  /** Starts the server again on the same port and store. */
  restart(): Promise<void>;
  /** Resolves when the process has exited. */
  exited(): Promise<void>;
}

function configText(o: NatsServerOptions & { host: string; port: number }): string {
  const lines = [
    `server_name: ${JSON.stringify(o.serverName ?? `nightshift-${o.port}`)}`,
    `host: ${JSON.stringify(o.host)}`,
    `port: ${o.port}`,
    `jetstream {`,
    `  store_dir: ${JSON.stringify(join(o.dir, "jetstream"))}`,
    ...(o.syncAlways === true ? ["  sync_interval: always"] : []),
    `}`,
    `max_payload: 8MB`,
    `lame_duck_duration: 30s`,
    `lame_duck_grace_period: 10s`,
  ];
  if (o.httpPort !== undefined) lines.push(`http_port: ${o.httpPort}`);
  if (o.cluster) {
    lines.push(
      `cluster {`,
      `  name: ${JSON.stringify(o.cluster.name)}`,
      `  listen: ${JSON.stringify(`${o.host}:${o.cluster.port}`)}`,
      `  routes: [${o.cluster.routes.map((r) => JSON.stringify(r)).join(", ")}]`,
      `}`,
    );
  }
  if (o.extraConfig) lines.push(o.extraConfig);
  return lines.join("\n") + "\n";
}

/**
 * Starts nats-server with JetStream and resolves once it reports ready. The returned
 * handle stops, signals and restarts it on the same port and store.
 */
export async function startNatsServer(options: NatsServerOptions): Promise<RunningNatsServer> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port !== undefined && options.port > 0 ? options.port : await freePort(host);
  await mkdir(options.dir, { recursive: true });
  const configFile = join(options.dir, "nats-server.conf");
  await writeFile(configFile, configText({ ...options, host, port }));
  let child: ChildProcess | undefined;
  let exit: Promise<void> = Promise.resolve();

  const launch = async (): Promise<void> => {
    const proc = spawn(options.bin, ["-c", configFile], { stdio: ["ignore", "pipe", "pipe"] });
    child = proc;
    exit = new Promise((resolve) => proc.once("exit", () => resolve()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill("SIGKILL");
        reject(
          new NightshiftError(
            "NATS_BINARY",
            `nats-server did not become ready within ${options.readyTimeoutMs ?? 20_000} ms`,
          ),
        );
      }, options.readyTimeoutMs ?? 20_000);
      let buffered = "";
      const tail: string[] = [];
      const onData = (chunk: Buffer): void => {
        buffered += chunk.toString("utf8");
        let nl: number;
        while ((nl = buffered.indexOf("\n")) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          options.onLog?.(line);
          tail.push(line);
          if (tail.length > 20) tail.shift();
          if (line.includes("Server is ready")) {
            clearTimeout(timer);
            resolve();
          }
        }
      };
      proc.stdout?.on("data", onData);
      proc.stderr?.on("data", onData);
      proc.once("error", (err) => {
        clearTimeout(timer);
        reject(
          new NightshiftError("NATS_BINARY", `cannot start ${options.bin}: ${err.message}`, {
            cause: err,
          }),
        );
      });
      proc.once("exit", (code, sig) => {
        clearTimeout(timer);
        reject(
          new NightshiftError(
            "NATS_BINARY",
            `nats-server exited during start-up (${sig ?? `code ${code}`}):\n${tail.join("\n")}`,
          ),
        );
      });
    });
  };

  const stop = async (): Promise<void> => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill("SIGCONT");
      child.kill("SIGTERM");
      const timer = setTimeout(() => child?.kill("SIGKILL"), 15_000);
      await exit;
      clearTimeout(timer);
    }
  };
  await launch();
  return {
    url: `nats://${host}:${port}`,
    port,
    configFile,
    pid: () => child?.pid,
    stop,
    signal(sig) {
      child?.kill(sig);
    },
    async restart() {
      await stop();
      await launch();
    },
    exited: () => exit,
  };
}
