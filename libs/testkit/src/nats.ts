import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  findNatsServer,
  startNatsCluster,
  startNatsServer,
  type NatsCluster,
  type NatsClusterOptions,
  type NatsServerOptions,
  type RunningNatsServer,
} from "@nightshift/natsd";

export interface TestNats extends RunningNatsServer {
  /** Stops the server and removes its store. */
  dispose(): Promise<void>;
  dir: string;
}

let cachedBin: Promise<string | undefined> | undefined;

async function dockerAvailable(): Promise<boolean> {
  try {
    await promisify(execFile)("docker", ["info", "--format", "{{.ServerVersion}}"], {
      timeout: 5_000,
    });
    return true;
  } catch {
    return false;
  }
}

async function resolveBin(): Promise<string | undefined> {
  try {
    return (await findNatsServer({ env: process.env })).path;
  } catch (err) {
    if (await dockerAvailable()) return undefined;
    throw err;
  }
}

/**
 * Starts a real nats-server with JetStream on a random loopback port and a temporary
 * store: the binary from NATS_SERVER_BIN, PATH or the same code `nightshift up` uses to
 * obtain one; with none of those and a Docker engine present, a testcontainers NATS.
 */
export async function startTestNats(options: Partial<NatsServerOptions> = {}): Promise<TestNats> {
  cachedBin ??= resolveBin();
  const bin = await cachedBin;
  const dir = await mkdtemp(join(tmpdir(), "nightshift-nats-"));
  if (bin === undefined) return startContainerNats(dir);
  const server = await startNatsServer({ bin, dir, ...options });
  return Object.assign(server, {
    dir,
    async dispose() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  });
}

async function startContainerNats(dir: string): Promise<TestNats> {
  const { GenericContainer, Wait } = await import("testcontainers");
  const container = await new GenericContainer("nats:2.12-alpine")
    .withCommand(["-js", "-sd", "/data"])
    .withExposedPorts(4222)
    .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
    .start();
  const port = container.getMappedPort(4222);
  const url = `nats://${container.getHost()}:${port}`;
  let exited = Promise.resolve();
  return {
    url,
    port,
    dir,
    configFile: "",
    pid: () => undefined,
    async stop() {
      await container.stop();
    },
    signal(sig) {
      void container.exec(["kill", `-${sig.replace("SIG", "")}`, "1"]);
    },
    async restart() {
      await container.restart();
    },
    exited: () => exited,
    async dispose() {
      exited = container.stop().then(() => undefined);
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface TestNatsCluster extends NatsCluster {
  /** Stops every node and removes the stores. */
  dispose(): Promise<void>;
}

/** A real 3-node JetStream cluster on loopback with temporary stores (R3 streams work on it). */
export async function startTestCluster(
  options: Partial<NatsClusterOptions> = {},
): Promise<TestNatsCluster> {
  const bin = (await findNatsServer({ env: process.env })).path;
  const dir = await mkdtemp(join(tmpdir(), "nightshift-cluster-"));
  const cluster = await startNatsCluster({ bin, dir, ...options });
  return Object.assign(cluster, {
    async dispose() {
      await cluster.stop();
      await rm(dir, { recursive: true, force: true });
    },
  });
}
